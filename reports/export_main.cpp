// `export`: writes a trained run's best weights in another runtime's format (--format onnx: an ONNX
// model that onnxruntime and other runtimes load; reports/onnx/onnx_export.h says what it holds).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <string>

#include "bokeh_version.h"
#include "common/exit_codes.h"
#include "common/model_arch.h"
#include "common/output_guard.h"
#include "store/protected_results.h"
#include "store/results_layout.h"
#include "reports/onnx/onnx_file.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/sweep_lookup.h"

namespace {

struct ExportOptions {
  std::string db_path = bokeh::orchestrator::kDefaultDbPath;
  std::string results;
  std::string sweep;
  std::string run = "best";
  std::string format = "onnx";
  std::string output;
};

int run(const ExportOptions& o) {
  namespace r = bokeh::reports;
  namespace orch = bokeh::orchestrator;
  if (bokeh::common::output_target(o.output).kind != bokeh::common::OutputTarget::Kind::atomic)
    throw bokeh::common::FileWriteError(fmt::format("cannot write {}: the model goes to a file", o.output));
  const orch::StoreReader store = r::open_store(o.db_path);
  bokeh::common::refuse_protected_output(o.output, orch::protected_results(store, o.db_path, o.results), "output");
  const r::RunWeights weights = r::run_weights(store, o.db_path, o.results, o.sweep, o.run);
  const r::RunSummary& chosen = weights.run;
  const orch::SweepInfo& sweep = weights.sweep;
  const r::OnnxSource source{sweep.name, chosen.name, chosen.key, store.run(chosen.id).config_json};
  r::export_onnx_file(weights.dir, chosen.model, source, o.output);
  std::cout << fmt::format("{}: run {} of sweep {} ({}), ONNX opset {}\n", o.output, chosen.name, sweep.name,
                           bokeh::common::describe_model(bokeh::common::model_descriptor(chosen.model)), r::kOnnxOpset);
  return bokeh::common::kExitOk;
}

// The one line an error ends export with, and its status.
int refused(const std::exception& e, int status) {
  std::cerr << "export: " << e.what() << "\n";
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  ExportOptions o;
  CLI::App app{
      "Write a trained run's best weights (best.pt) for another runtime. --format onnx: an ONNX model (opset " +
          std::to_string(bokeh::reports::kOnnxOpset) +
          ", fp32) with input \"image\" and output \"bokeh\", both (N, 3, H, W) float RGB in [0, 1], H and W "
          "dynamic; the run's settings, key and this tool's version in its metadata.",
      "export"};
  app.add_option("output", o.output, "the model file to write, e.g. model.onnx (written atomically)")->required();
  app.add_option("--format", o.format, "the format")->check(CLI::IsMember({"onnx"}))->capture_default_str();
  app.add_option("--sweep", o.sweep, "sweep the run belongs to (default: the latest sweep)");
  app.add_option("--run", o.run,
                 "run name, or best: the finished run with the best value of the sweep's objective (its "
                 "select.metric, else its search's, else val_loss) at its best epoch")
      ->capture_default_str();
  app.add_option("--db", o.db_path, "results database")->capture_default_str();
  app.add_option("--results", o.results, "results folder with <sweep>/checkpoints (default: the database's folder)");
  app.set_version_flag("--version", BOKEH_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    std::cerr << "export: " << e.what() << " (see export --help)\n";
    return bokeh::common::kExitBadInput;
  }
  try {
    return run(o);
  } catch (const bokeh::reports::ReportError& e) {  // an unknown sweep or run, no best weights, an unknown arch
    return refused(e, bokeh::common::kExitBadInput);
  } catch (const bokeh::common::FileWriteError& e) {  // an output that is a folder, unwritable, or protected
    return refused(e, bokeh::common::kExitBadInput);
  } catch (const std::exception& e) {
    return refused(e, bokeh::common::kExitFailed);
  }
}
