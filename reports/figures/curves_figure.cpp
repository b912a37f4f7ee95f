// Curve figure: the .dat blocks (one per run), the gnuplot script, then gnuplot itself.
#include "reports/figures/curves_figure.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "common/atomic_file.h"
#include "common/result_figures.h"
#include "reports/figures/gnuplot_runner.h"
#include "reports/tables/epoch_figures.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

bool loss_curves(const std::string& figure) { return figure == kLossCurves; }

// One gnuplot data block per run (selected by `index i`), separated by two blank lines: the losses
// and the learning rate, or the epochs that have `figure`.
std::string data_text(const std::vector<CurveSeries>& series, const std::string& figure) {
  std::string out;
  for (size_t i = 0; i < series.size(); ++i) {
    out += fmt::format("{}# index {}: run {}\n# epoch {}\n", i ? "\n\n" : "", i, series[i].run,
                       loss_curves(figure) ? "train_loss val_loss gap lr" : figure);
    for (const orchestrator::EpochRecord& e : series[i].epochs) {
      if (loss_curves(figure)) {
        out += fmt::format("{} {:.9g} {:.9g} {:.9g} {:.9g}\n", e.epoch, e.train_loss, e.val_loss, e.gap, e.lr);
      } else if (const std::optional<double> value = epoch_figure(e, figure)) {
        out += fmt::format("{} {:.9g}\n", e.epoch, *value);
      }
    }
  }
  return out;
}

// The figure's header with its unit ("Val_PSNR (dB)").
std::string y_label(const std::string& figure) {
  const common::ResultFigure& f = *common::find_result_figure(figure);
  return f.unit.empty() ? f.header : fmt::format("{} ({})", f.header, f.unit);
}

std::string plot_lines(const std::vector<CurveSeries>& series, const std::string& name, const std::string& figure) {
  const std::string data = gnuplot_quote(name + ".dat");
  std::string out = "plot \\\n";
  for (size_t i = 0; i < series.size(); ++i) {
    if (!loss_curves(figure)) {
      out += fmt::format("  {0} index {1} using 1:2 with linespoints linecolor {2} pointtype 7 title {3}, \\\n", data,
                         i, i + 1, gnuplot_quote(series[i].run));
      continue;
    }
    out += fmt::format(
        "  {0} index {1} using 1:3 with linespoints linecolor {2} dashtype 1 pointtype 7 title {3}, \\\n"
        "  {0} index {1} using 1:2 with linespoints linecolor {2} dashtype 2 pointtype 6 title {4}, \\\n",
        data, i, i + 1, gnuplot_quote(series[i].run + " val"), gnuplot_quote(series[i].run + " train"));
  }
  out += "  NaN with lines dashtype 3 linecolor rgb 'gray40' title 'learning-rate drop'\n";
  return out;
}

std::string script_text(const std::vector<CurveSeries>& series, const std::string& title, const std::string& name,
                        FigureSize size, const std::string& figure) {
  int64_t last_epoch = 1;
  for (const CurveSeries& s : series) last_epoch = std::max(last_epoch, s.epochs.back().epoch);
  std::string out = fmt::format(
      "# {6} per epoch; dotted vertical lines: the learning rate dropped; a cross\n"
      "# labelled 'stopped at rung k': early stopping paused that run there.\n"
      "# Data: {0}.dat (one block per run, `index i`). Rerun with: gnuplot {0}.gp\n"
      "set terminal pngcairo noenhanced size {1},{2} font 'sans,10'\n"
      "set output {3}\n"
      "set title {4}\n"
      "set xlabel 'Epoch'\nset ylabel {5}\nset grid\nset key outside right top\n"
      "set offsets graph 0.02, graph 0.02, graph 0.05, graph 0.05\n"
      "set xtics {7}\n",
      name, size.width, size.height, gnuplot_quote(name + ".png"), gnuplot_quote(title),
      loss_curves(figure) ? "'Loss'" : gnuplot_quote(y_label(figure)),
      loss_curves(figure) ? "Training and validation loss" : figure, (last_epoch + 9) / 10);
  for (size_t i = 0; i < series.size(); ++i) {
    for (const int64_t e : lr_drop_epochs(series[i].epochs)) {
      out += fmt::format("set arrow from {0}, graph 0 to {0}, graph 1 nohead dashtype 3 linecolor {1}  # {2}\n", e,
                         i + 1, series[i].run);
    }
  }
  for (size_t i = 0; i < series.size(); ++i) {  // where early stopping paused a run
    if (series[i].stop_mark.empty()) continue;
    const orchestrator::EpochRecord& last = series[i].epochs.back();
    const std::optional<double> at = epoch_figure(last, figure);
    if (!at) continue;
    out += fmt::format("set label {} at {}, {:.9g} point pointtype 2 pointsize 2.5 linecolor {} offset 0.8, 0.8\n",
                       gnuplot_quote(series[i].stop_mark), last.epoch, *at, i + 1);
  }
  return out + plot_lines(series, name, figure);
}

// Refuses a figure the curves cannot plot: not per-epoch, or in no epoch of the series.
void check_figure(const std::vector<CurveSeries>& series, const std::string& figure) {
  const std::vector<std::string> names = epoch_figure_names();
  if (std::find(names.begin(), names.end(), figure) == names.end())
    throw ReportInputError(
        fmt::format("--y {}: the curves plot a per-epoch figure ({})", figure, fmt::join(names, ", ")));
  for (const CurveSeries& s : series) {
    for (const orchestrator::EpochRecord& e : s.epochs) {
      if (epoch_figure(e, figure)) return;
    }
  }
  throw ReportInputError(fmt::format(
      "--y {}: no epoch of the plotted runs has it (epochs recorded before bokeh-sweep computed it lack it)", figure));
}

}  // namespace

std::filesystem::path write_curves_figure(const std::vector<CurveSeries>& series, const std::string& title,
                                          const std::filesystem::path& out_dir, const std::string& name,
                                          FigureSize size, const std::string& figure) {
  if (series.empty()) throw ReportError("no runs to plot");
  for (const CurveSeries& s : series) {
    if (s.epochs.empty())
      throw ReportError(fmt::format("run \"{}\" has no epochs recorded yet; nothing to plot", s.run));
  }
  check_figure(series, figure);
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) throw ReportError(fmt::format("cannot create {}: {}", out_dir.string(), error.message()));
  common::write_file_atomically(out_dir / (name + ".dat"), data_text(series, figure));
  const std::filesystem::path script = out_dir / (name + ".gp");
  common::write_file_atomically(script, script_text(series, title, name, size, figure));
  run_gnuplot(script);
  return out_dir / (name + ".png");
}

}  // namespace bokeh::reports
