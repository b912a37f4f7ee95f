// Loss-curve figure: the .dat blocks (one per run), the gnuplot script, then gnuplot itself.
#include "reports/figures/curves_figure.h"

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "reports/figures/gnuplot_runner.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

// One gnuplot data block per run (selected by `index i`), separated by two blank lines.
std::string data_text(const std::vector<CurveSeries>& series) {
  std::string out;
  for (size_t i = 0; i < series.size(); ++i) {
    out += fmt::format("{}# index {}: run {}\n# epoch train_loss val_loss gap lr\n", i ? "\n\n" : "", i, series[i].run);
    for (const orchestrator::EpochRecord& e : series[i].epochs) {
      out += fmt::format("{} {:.9g} {:.9g} {:.9g} {:.9g}\n", e.epoch, e.train_loss, e.val_loss, e.gap, e.lr);
    }
  }
  return out;
}

std::string script_text(const std::vector<CurveSeries>& series, const std::string& title, const std::string& name,
                        FigureSize size) {
  int64_t last_epoch = 1;
  for (const CurveSeries& s : series) last_epoch = std::max(last_epoch, s.epochs.back().epoch);
  std::string out = fmt::format(
      "# Training and validation loss per epoch; dotted vertical lines: the learning rate dropped; a cross\n"
      "# labelled 'stopped at rung k': early stopping paused that run there.\n"
      "# Data: {0}.dat (one block per run, `index i`). Rerun with: gnuplot {0}.gp\n"
      "set terminal pngcairo noenhanced size {1},{2} font 'sans,10'\n"
      "set output {3}\n"
      "set title {4}\n"
      "set xlabel 'Epoch'\nset ylabel 'Loss'\nset grid\nset key outside right top\n"
      "set offsets graph 0.02, graph 0.02, graph 0.05, graph 0.05\n"
      "set xtics {5}\n",
      name, size.width, size.height, gnuplot_quote(name + ".png"), gnuplot_quote(title), (last_epoch + 9) / 10);
  for (size_t i = 0; i < series.size(); ++i) {
    for (const int64_t e : lr_drop_epochs(series[i].epochs)) {
      out += fmt::format("set arrow from {0}, graph 0 to {0}, graph 1 nohead dashtype 3 linecolor {1}  # {2}\n", e,
                         i + 1, series[i].run);
    }
  }
  for (size_t i = 0; i < series.size(); ++i) {  // where early stopping paused a run
    if (series[i].stop_mark.empty()) continue;
    const orchestrator::EpochRecord& last = series[i].epochs.back();
    out += fmt::format("set label {} at {}, {:.9g} point pointtype 2 pointsize 2.5 linecolor {} offset 0.8, 0.8\n",
                       gnuplot_quote(series[i].stop_mark), last.epoch, last.val_loss, i + 1);
  }
  const std::string data = gnuplot_quote(name + ".dat");
  out += "plot \\\n";
  for (size_t i = 0; i < series.size(); ++i) {
    out += fmt::format(
        "  {0} index {1} using 1:3 with linespoints linecolor {2} dashtype 1 pointtype 7 title {3}, \\\n"
        "  {0} index {1} using 1:2 with linespoints linecolor {2} dashtype 2 pointtype 6 title {4}, \\\n",
        data, i, i + 1, gnuplot_quote(series[i].run + " val"), gnuplot_quote(series[i].run + " train"));
  }
  out += "  NaN with lines dashtype 3 linecolor rgb 'gray40' title 'learning-rate drop'\n";
  return out;
}

}  // namespace

std::filesystem::path write_curves_figure(const std::vector<CurveSeries>& series, const std::string& title,
                                          const std::filesystem::path& out_dir, const std::string& name,
                                          FigureSize size) {
  if (series.empty()) throw ReportError("no runs to plot");
  for (const CurveSeries& s : series) {
    if (s.epochs.empty())
      throw ReportError(fmt::format("run \"{}\" has no epochs recorded yet; nothing to plot", s.run));
  }
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) throw ReportError(fmt::format("cannot create {}: {}", out_dir.string(), error.message()));
  common::write_file_atomically(out_dir / (name + ".dat"), data_text(series));
  const std::filesystem::path script = out_dir / (name + ".gp");
  common::write_file_atomically(script, script_text(series, title, name, size));
  run_gnuplot(script);
  return out_dir / (name + ".png");
}

}  // namespace bokeh::reports
