// `report`: the study's tables (--table N), a search's trials (--trials), the sweeps' progress
// (--status), the Pareto front of quality against cost (--pareto), the settings' importance
// (--importance), figures (--figure curves|samples), the HTML dashboard (--html FILE, --serve) and a
// sweep in other tools' formats (--export tensorboard DIR | optuna FILE) from the results database,
// opened read-only (works while a sweep runs). Built without libtorch
// (BOKEH_WITH_TORCH=OFF) it refuses --figure and its dashboard has no sample images.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "bokeh_version.h"

#ifdef BOKEH_WITH_FIGURES
#include <torch/version.h>

#include "reports/figures/dashboard_samples.h"
#include "reports/figures/report_figures.h"
#endif
#include "common/exit_codes.h"
#include "common/objective.h"
#include "common/output_guard.h"
#include "common/result_figures.h"
#include "common/unix_time.h"
#include "store/protected_results.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "reports/dashboard/dashboard_data.h"
#include "reports/dashboard/dashboard_server.h"
#include "reports/export/sweep_export.h"
#include "reports/tables/epoch_figures.h"
#include "reports/tables/importance.h"
#include "reports/tables/objective_front.h"
#include "reports/tables/pareto.h"
#include "reports/tables/repeat_groups.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/search_table.h"
#include "reports/tables/status_report.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_builder.h"
#include "reports/tables/table_format.h"

namespace {

struct ReportOptions {
  std::string db_path = bokeh::orchestrator::kDefaultDbPath;
  std::string sweep;
  int64_t table = 0;
  std::string format = "markdown";
  bool status = false;
  bool trials = false;
  bool pareto = false;
  bool importance = false;
  std::string x_axis = "params", y_axis;  // y: "" = the sweep's objective (pareto, importance), val_loss (curves)
  bool axes_given = false;                // --x or --y given (pareto of a multi-objective sweep: its objectives)
  std::vector<double> reference;          // pareto of a multi-objective sweep: the hypervolume's reference point
  std::string select;                     // tables 2 and 4: "" = the sweep's
  uint64_t seed = 0;
  std::string figure;
  std::vector<std::string> runs;
  std::string out_dir;
  std::string results;
  int64_t images = 4;
  int width = 1000, height = 600;
  std::string html;
  bool serve = false;
  std::string host = bokeh::reports::kDefaultServeHost;
  int port = bokeh::reports::kDefaultServePort;
  std::vector<std::string> export_to;  // --export FORMAT PATH
};

// The dashboard's page options: sample images and libtorch's version where this build has them.
bokeh::reports::PageOptions page_options(const ReportOptions& o) {
  bokeh::reports::PageOptions page;
#ifdef BOKEH_WITH_FIGURES
  page.samples = bokeh::reports::sample_source(bokeh::orchestrator::results_root(o.db_path, o.results));
  page.software["libtorch"] = TORCH_VERSION;
#else
  (void)o;
#endif
  return page;
}

int dashboard(const ReportOptions& o) {
  namespace r = bokeh::reports;
  if (o.serve) {
    // Serving may start before the sweep that creates the database; a mistyped path shows here.
    if (!std::filesystem::exists(o.db_path)) {
      std::cerr << "report: " << o.db_path
                << ": no results database yet; the page says it waits for the sweep until one creates it" << std::endl;
    }
    r::ServeOptions serve{o.db_path, o.sweep, o.host, o.port, page_options(o)};
    r::serve_dashboard(serve, [](const std::string& url) {
      std::cout << "report: serving " << url << " (read-only; Ctrl-C stops)" << std::endl;
    });
    return bokeh::common::kExitOk;
  }
  const bokeh::orchestrator::StoreReader store = r::open_store(o.db_path);
  bokeh::common::refuse_protected_output(o.html, bokeh::orchestrator::protected_results(store, o.db_path, o.results),
                                         "--html");
  const std::string page = r::dashboard_page(r::dashboard_snapshot(store, o.sweep, bokeh::common::unix_now()), store,
                                             r::read_chart_libraries(), page_options(o));
  r::write_page(o.html, page);
  if (o.html != "-") std::cout << o.html << "\n";  // "-": the page itself went to standard output
  return bokeh::common::kExitOk;
}

// --export FORMAT PATH: the sweep in TensorBoard's or Optuna's format; prints the path written.
int export_mode(const ReportOptions& o) {
  namespace r = bokeh::reports;
  const std::string& format = o.export_to.at(0);
  const std::string& path = o.export_to.at(1);
  const bokeh::orchestrator::StoreReader store = r::open_store(o.db_path);
  r::export_sweep(store, bokeh::orchestrator::protected_results(store, o.db_path, o.results), o.sweep, format, path);
  std::cout << path << "\n";
  return bokeh::common::kExitOk;
}

int run(const ReportOptions& o) {
  namespace r = bokeh::reports;
  if (o.serve || !o.html.empty()) return dashboard(o);
  if (!o.export_to.empty()) return export_mode(o);
  const bokeh::orchestrator::StoreReader store = r::open_store(o.db_path);
  if (o.status) {
    std::cout << r::status_report(store, o.sweep, bokeh::common::unix_now());
    return bokeh::common::kExitOk;
  }
  if (o.trials) {
    const bokeh::orchestrator::SweepInfo sweep = r::sweep_or_latest(store, o.sweep);
    std::cout << r::format_table(r::trials_table(store, sweep, r::summarize_sweep(store, sweep.name)),
                                 r::parse_table_format(o.format));
    return bokeh::common::kExitOk;
  }
  if (o.pareto || o.importance) {
    const r::TableFormat format = r::parse_table_format(o.format);
    const bokeh::orchestrator::SweepInfo sweep = r::sweep_or_latest(store, o.sweep);
    const std::vector<r::RunSummary> runs = r::summarize_sweep(store, sweep.name);
    const std::vector<r::RepeatGroup> groups = r::group_repeats(runs);
    const std::string y =
        o.y_axis.empty() ? bokeh::orchestrator::read_stored_spec(sweep.spec_json).selection.metric : o.y_axis;
    if (o.pareto && !o.axes_given && r::is_multi_objective(sweep)) {
      const r::ObjectiveFront front = r::objective_front(
          store, sweep, runs, o.reference.empty() ? std::nullopt : std::optional<std::vector<double>>(o.reference));
      std::cout << r::format_table(r::objective_front_table(sweep, front), format) << "\n"
                << r::format_table(r::hypervolume_table(sweep, front), format);
    } else if (o.pareto) {
      if (!o.reference.empty())
        throw r::ReportInputError(
            "--reference is for the front of a multi-objective sweep over its own objectives "
            "(search.objectives, without --x and --y)");
      std::cout << r::format_table(r::pareto_table(sweep, r::pareto_result(groups, r::ParetoAxes{o.x_axis, y})),
                                   format);
    } else {
      r::ImportanceOptions options;
      options.y = y;
      options.seed = o.seed;
      std::cout << r::format_table(r::importance_table(sweep, r::importance(sweep, groups, options), options), format);
    }
    return bokeh::common::kExitOk;
  }
  if (o.table != 0) {
    const r::TableFormat format = r::parse_table_format(o.format);
    const bokeh::orchestrator::SweepInfo sweep = r::sweep_for_table(store, o.table, o.sweep);
    const std::optional<bokeh::common::Objective> select =
        o.select.empty() ? std::nullopt : bokeh::common::find_objective(o.select);
    std::cout << r::format_table(r::build_table(o.table, sweep, r::summarize_sweep(store, sweep.name), select), format);
    return bokeh::common::kExitOk;
  }
#ifdef BOKEH_WITH_FIGURES
  bokeh::common::refuse_protected_folder(o.out_dir, bokeh::orchestrator::protected_results(store, o.db_path, o.results),
                                         "--out");
  r::FigureRequest request;
  request.sweep = o.sweep;
  request.runs = o.runs;
  request.out_dir = o.out_dir;
  request.results_root = bokeh::orchestrator::results_root(o.db_path, o.results);
  request.images = o.images;
  request.size = r::FigureSize{o.width, o.height};
  request.figure = o.y_axis.empty() ? r::kLossCurves : o.y_axis;
  const r::FigureResult result =
      o.figure == "curves" ? r::make_curves_figure(store, request) : r::make_samples_figure(store, request);
  for (const std::string& note : result.notes) std::cerr << "report: " << note << "\n";
  std::cout << result.png.string() << "\n";
  return bokeh::common::kExitOk;
#else
  throw r::ReportError(
      "figures need a build with libtorch; this one was configured with BOKEH_WITH_TORCH=OFF "
      "(tables and status only)");
#endif
}

// The per-epoch figures curves plot besides the losses (--y val_loss).
std::vector<std::string> curve_choices() {
  std::vector<std::string> names = bokeh::reports::epoch_figure_names();
  names.erase(std::remove(names.begin(), names.end(), bokeh::reports::kLossCurves), names.end());
  return names;
}

// What --y takes: a quality figure (pareto, importance) or a per-epoch figure (curves); each mode
// refuses the others' with one line.
std::vector<std::string> y_choices() {
  std::vector<std::string> choices = bokeh::common::axis_choices(bokeh::common::AxisRole::Quality);
  for (const std::string& name : bokeh::reports::epoch_figure_names()) {
    if (std::find(choices.begin(), choices.end(), name) == choices.end()) choices.push_back(name);
  }
  return choices;
}

// What --select takes: the objectives with a value at a run's best epoch.
std::vector<std::string> select_choices() {
  std::vector<std::string> choices;
  for (const std::string& name : bokeh::common::objective_names()) {
    if (!bokeh::common::best_epoch_figure(*bokeh::common::find_objective(name)).empty()) choices.push_back(name);
  }
  return choices;
}

// The modes, as the description and the errors name them.
const std::string kModes =
    "--table N, --trials, --status, --pareto, --importance, --figure curves|samples, --html FILE, --serve, --export "
    "FORMAT PATH";

// Where the modes group's require_option(1) failed, the error in our words: none given, or the first
// two given.
std::optional<std::string> modes_error(const CLI::Option_group& modes) {
  std::vector<std::string> given;
  for (const CLI::Option* mode : modes.get_options()) {
    if (mode->count() > 0) given.push_back(mode->get_name());
  }
  if (given.empty()) return "give one of " + kModes;
  if (given.size() > 1) return given[0] + " excludes " + given[1] + ": give only one of " + kModes;
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  ReportOptions o;
  CLI::App app{
      "Print the study's tables, the sweeps' status, or draw figures, from the results database "
      "(read-only; safe while a sweep runs), write or serve the HTML dashboard, or export a sweep for TensorBoard or "
      "Optuna. Give exactly one of " +
          kModes + ".",
      "report"};
#ifdef BOKEH_WITH_FIGURES
  app.set_version_flag("--version",
                       std::string("bokeh-sweep ") + BOKEH_VERSION + ", figures with libtorch " + TORCH_VERSION);
#else
  app.set_version_flag("--version",
                       std::string("bokeh-sweep ") + BOKEH_VERSION + ", built without libtorch (no figures)");
#endif
  // What to report: exactly one mode. An option of one mode needs it (--x needs --pareto, ...).
  CLI::Option_group* modes = app.add_option_group("Modes", "what to report");
  modes->require_option(1);
  CLI::Option* table =
      modes->add_option("--table", o.table, "print Table N (1-4) of the study for a sweep")->check(CLI::Range(1, 4));
  modes->add_flag("--status", o.status, "print each sweep's runs by state, failures, elapsed time, ETA");
  CLI::Option* figure = modes
                            ->add_option("--figure", o.figure,
                                         "draw a figure: curves (loss per epoch, lr drops marked; needs gnuplot) or "
                                         "samples (input / target / each run's output on test images)")
                            ->check(CLI::IsMember({"curves", "samples"}));
  modes->add_flag("--trials", o.trials,
                  "list a sweep's trials: sampled (or varied) settings, epochs trained, best validation loss, test "
                  "PSNR, state (with the ASHA rung a run stopped at)");
  modes->add_option("--html", o.html,
                    "write the dashboard to FILE: one self-contained HTML page (status, tables, loss curves, "
                    "parallel coordinates, samples, spec) that opens offline");
  CLI::Option* serve = modes->add_flag(
      "--serve", o.serve, "serve the dashboard over HTTP, read-only (GET/HEAD), refreshing while a sweep runs");
  modes
      ->add_option("--export", o.export_to,
                   "write the sweep (--sweep; default: the latest) in another tool's format, never half-written: "
                   "`tensorboard DIR` (a new or empty folder of event files: per-epoch scalars, HParams) or "
                   "`optuna FILE` (an Optuna 5 JournalStorage log: one trial per run)")
      ->expected(2)
      ->type_name("FORMAT PATH");
  CLI::Option* pareto = modes->add_flag("--pareto", o.pareto,
                                        "print the Pareto front of a quality figure (--y) against a cost (--x) over "
                                        "the sweep's configurations (with repeats: their means), and how many are "
                                        "dominated; a multi-objective sweep (search.objectives) without --x and --y: "
                                        "the front over its own objectives, its hypervolume, and the hypervolume "
                                        "against the epochs spent");
  CLI::Option* importance =
      modes->add_flag("--importance", o.importance,
                      "print how much of the quality figure's (--y) variance each varied setting and pair of "
                      "settings explains: exact functional ANOVA on a full grid, fANOVA over a random forest with "
                      "bootstrap intervals on a sampled search");
  app.add_option("--reference", o.reference,
                 "pareto of a multi-objective sweep: the hypervolume's reference point, one value per objective in "
                 "its order and the table's units (params in millions, flops in TFLOP), comma separated (default: each "
                 "objective's worst value plus a tenth of its "
                 "range)")
      ->delimiter(',')
      ->needs(pareto);
  CLI::Option* x_option =
      app.add_option("--x", o.x_axis,
                     "pareto: the cost axis: " + bokeh::common::axis_choices_text(bokeh::common::AxisRole::Cost, true))
          ->check(CLI::IsMember(bokeh::common::axis_choices(bokeh::common::AxisRole::Cost)))
          ->capture_default_str()
          ->needs(pareto);
  CLI::Option* y_option =
      app.add_option("--y", o.y_axis,
                     "pareto and importance: the quality figure: " +
                         bokeh::common::axis_choices_text(bokeh::common::AxisRole::Quality, true) +
                         " (default: the sweep's objective: its select.metric, else its search's or early "
                         "stopping's metric, else val_loss); curves: the per-epoch figure: val_loss (training and "
                         "validation loss, the default) or " +
                         fmt::format("{}", fmt::join(curve_choices(), ", ")))
          ->check(CLI::IsMember(y_choices()));
  app.add_option("--select", o.select,
                 "tables 2 and 4: the figure their best runs are chosen by, at each run's best epoch: " +
                     fmt::format("{}", fmt::join(select_choices(), ", ")) + " (default: the sweep's objective, as --y)")
      ->check(CLI::IsMember(select_choices()))
      ->needs(table);
  app.add_option("--seed", o.seed, "importance: seed of the forest and the bootstrap (same seed, same bytes)")
      ->capture_default_str()
      ->needs(importance);
  app.add_option("--host", o.host,
                 "serve: address to listen on (127.0.0.1: this machine only; reach it from "
                 "elsewhere through an ssh tunnel)")
      ->capture_default_str()
      ->needs(serve);
  app.add_option("--port", o.port, "serve: TCP port (0: any free port; the URL is printed)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str()
      ->needs(serve);
  app.add_option(
      "--sweep", o.sweep,
      "sweep name; default: tables: the latest sweep whose spec lists the table; figures, trials and export: the "
      "latest sweep; status and dashboard: every sweep");
  app.add_option("--db", o.db_path, "results database")->capture_default_str();
  app.add_option("--format", o.format, "table format: markdown, csv or json")
      ->check(CLI::IsMember({"markdown", "csv", "json"}))
      ->capture_default_str();
  app.add_option("--runs", o.runs, "figures: runs to show, by name, comma separated (default: the best few)")
      ->delimiter(',')
      ->needs(figure);
  CLI::Option* out =
      app.add_option("--out", o.out_dir, "figures: output folder (the PNG, and its data and gnuplot script or legend)")
          ->needs(figure);
  figure->needs(out);
  app.add_option("--results", o.results,
                 "figures and dashboard samples: results folder with <sweep>/checkpoints and <sweep>/data "
                 "(default: the database's folder)");
  app.add_option("--images", o.images, "samples: test images shown, one per row")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->needs(figure);
  app.add_option("--width", o.width, "curves: PNG width in pixels")
      ->check(CLI::Range(200, 10000))
      ->capture_default_str()
      ->needs(figure);
  app.add_option("--height", o.height, "curves: PNG height in pixels")
      ->check(CLI::Range(150, 10000))
      ->capture_default_str()
      ->needs(figure);
  try {
    app.parse(argc, argv);
    o.axes_given = x_option->count() > 0 || y_option->count() > 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::optional<std::string> modes_wrong =
        dynamic_cast<const CLI::RequiredError*>(&e) != nullptr ? modes_error(*modes) : std::nullopt;
    std::cerr << "report: " << modes_wrong.value_or(e.what()) << " (see report --help)\n";
    return bokeh::common::kExitBadInput;
  }
  try {
    return run(o);
  } catch (const bokeh::reports::ReportInputError& e) {
    std::cerr << "report: " << e.what() << "\n";
    return bokeh::common::kExitBadInput;
  } catch (const bokeh::common::ProtectedOutput& e) {  // an output path that would replace results
    std::cerr << "report: " << e.what() << "\n";
    return bokeh::common::kExitBadInput;
  } catch (const bokeh::reports::CannotListen& e) {  // bad input, as README's exit statuses say
    std::cerr << "report: " << e.what() << "\n";
    return bokeh::common::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "report: " << e.what() << "\n";
    return bokeh::common::kExitFailed;
  }
}
