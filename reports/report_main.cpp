// `report`: the study's tables (--table N), a search's trials (--trials), the sweeps' progress (--status) and figures
// (--figure curves|samples) from the results database, opened read-only (works while a sweep runs).
// Built without libtorch (BOKEH_WITH_TORCH=OFF) it prints tables and status, and refuses --figure.
#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#ifdef BOKEH_WITH_FIGURES
#include "reports/figures/report_figures.h"
#endif
#include "reports/tables/run_summary.h"
#include "reports/tables/search_table.h"
#include "reports/tables/status_report.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_builder.h"
#include "reports/tables/table_format.h"
#include "worker/exit_codes.h"

namespace {

struct ReportOptions {
  std::string db_path = bokeh::orchestrator::kDefaultDbPath;
  std::string sweep;
  int64_t table = 0;
  std::string format = "markdown";
  bool status = false;
  bool trials = false;
  std::string figure;
  std::vector<std::string> runs;
  std::string out_dir;
  std::string results;
  int64_t images = 4;
  int width = 1000, height = 600;
};

int run(const ReportOptions& o) {
  namespace r = bokeh::reports;
  const bokeh::orchestrator::Store store = r::open_store(o.db_path);
  if (o.status) {
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::cout << r::status_report(store, o.sweep, now);
    return bokeh::kExitOk;
  }
  if (o.trials) {
    const bokeh::orchestrator::SweepInfo sweep = r::sweep_or_latest(store, o.sweep);
    std::cout << r::format_table(r::trials_table(store, sweep, r::summarize_sweep(store, sweep.name)),
                                 r::parse_table_format(o.format));
    return bokeh::kExitOk;
  }
  if (o.table != 0) {
    const r::TableFormat format = r::parse_table_format(o.format);
    const bokeh::orchestrator::SweepInfo sweep = r::sweep_for_table(store, o.table, o.sweep);
    std::cout << r::format_table(r::build_table(o.table, sweep, r::summarize_sweep(store, sweep.name)), format);
    return bokeh::kExitOk;
  }
#ifdef BOKEH_WITH_FIGURES
  r::FigureRequest request;
  request.sweep = o.sweep;
  request.runs = o.runs;
  request.out_dir = o.out_dir;
  request.results_root = bokeh::orchestrator::results_root(o.db_path, o.results);
  request.images = o.images;
  request.size = r::FigureSize{o.width, o.height};
  const r::FigureResult result =
      o.figure == "curves" ? r::make_curves_figure(store, request) : r::make_samples_figure(store, request);
  for (const std::string& note : result.notes) std::cerr << "report: " << note << "\n";
  std::cout << result.png.string() << "\n";
  return bokeh::kExitOk;
#else
  throw r::ReportError("figures need a build with libtorch; this one was configured with BOKEH_WITH_TORCH=OFF "
                       "(tables and status only)");
#endif
}

}  // namespace

int main(int argc, char** argv) {
  ReportOptions o;
  CLI::App app{"Print the study's tables, the sweeps' status, or draw figures, from the results database "
               "(read-only; safe while a sweep runs). Give exactly one of --table, --trials, --status, --figure.",
               "report"};
  auto* table = app.add_option("--table", o.table, "print Table N (1-4) of the study for a sweep")
                    ->check(CLI::Range(1, 4));
  auto* status = app.add_flag("--status", o.status, "print each sweep's runs by state, failures, elapsed time, ETA");
  auto* figure = app.add_option("--figure", o.figure,
                                "draw a figure: curves (loss per epoch, lr drops marked; needs gnuplot) or samples "
                                "(input / target / each run's output on test images)")
                     ->check(CLI::IsMember({"curves", "samples"}));
  auto* trials = app.add_flag("--trials", o.trials,
                              "list a sweep's trials: sampled (or varied) settings, epochs trained, best validation "
                              "loss, test PSNR, state (with the ASHA rung a run stopped at)");
  table->excludes(status)->excludes(figure)->excludes(trials);
  status->excludes(figure)->excludes(trials);
  figure->excludes(trials);
  app.add_option("--sweep", o.sweep,
                 "sweep name; default: tables: the latest sweep whose spec lists the table; figures and trials: the "
                 "latest sweep; status: every sweep");
  app.add_option("--db", o.db_path, "results database")->capture_default_str();
  app.add_option("--format", o.format, "table format: markdown, csv or json")
      ->check(CLI::IsMember({"markdown", "csv", "json"}))
      ->capture_default_str();
  app.add_option("--runs", o.runs, "figures: runs to show, by name, comma separated (default: the best few)")
      ->delimiter(',');
  app.add_option("--out", o.out_dir, "figures: output folder (the PNG, and its data and gnuplot script or legend)");
  app.add_option("--results", o.results, "figures: results folder with <sweep>/checkpoints and <sweep>/data "
                                         "(default: the database's folder)");
  app.add_option("--images", o.images, "samples: test images shown, one per row")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--width", o.width, "curves: PNG width in pixels")->check(CLI::Range(200, 10000))->capture_default_str();
  app.add_option("--height", o.height, "curves: PNG height in pixels")->check(CLI::Range(150, 10000))->capture_default_str();
  try {
    app.parse(argc, argv);
    if (o.table == 0 && !o.status && !o.trials && o.figure.empty()) {
      throw CLI::ValidationError("give one of --table N, --trials, --status, --figure curves|samples");
    }
    if (!o.figure.empty() && o.out_dir.empty()) throw CLI::ValidationError("--figure needs --out DIR");
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "report: " << e.what() << " (see report --help)\n";
    return bokeh::kExitBadInput;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "report: " << e.what() << "\n";
    return bokeh::kExitFailed;
  }
}
