// `render`: applies a trained run's best checkpoint to a photo of any size and writes the result,
// the same size as the input (the user-facing end of the pipeline).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <string>

#include "common/exit_codes.h"
#include "common/output_guard.h"
#include "store/protected_results.h"
#include "store/results_layout.h"
#include "reports/figures/render_photo.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/sweep_lookup.h"

namespace {

struct RenderOptions {
  std::string db_path = bokeh::orchestrator::kDefaultDbPath;
  std::string results;
  std::string sweep;
  std::string run = "best";
  std::string input;
  std::string output;
  int64_t tile = 1024;
};

int run(const RenderOptions& o) {
  namespace r = bokeh::reports;
  const bokeh::orchestrator::StoreReader store = r::open_store(o.db_path);
  bokeh::common::ProtectedPaths kept = bokeh::orchestrator::protected_results(store, o.db_path, o.results);
  kept.files.push_back({o.input, "the input photo"});  // the photo being rendered is the user's own
  bokeh::common::refuse_protected_output(o.output, kept, "output");
  const r::RunWeights weights = r::run_weights(store, o.db_path, o.results, o.sweep, o.run);
  const r::PhotoSize input = r::render_photo(weights.dir, weights.run.model, o.input, o.output, o.tile);
  std::cout << fmt::format("{} ({}x{}) -> {} with run {} of sweep {}\n", o.input, input.width, input.height, o.output,
                           weights.run.name, weights.sweep.name);
  return bokeh::common::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  RenderOptions o;
  CLI::App app{
      "Apply a trained run's best checkpoint to a photo of any size; OUT has the input's size "
      "(reflect-padded to the model's pooling factor, processed in overlapping tiles when large).",
      "render"};
  app.add_option("input", o.input, "photo to render (PNG, JPEG, BMP, TGA)")->required()->check(CLI::ExistingFile);
  app.add_option("output", o.output, "result, .png or .jpg")->required();
  app.add_option("--sweep", o.sweep, "sweep the run belongs to (default: the latest sweep)");
  app.add_option("--run", o.run,
                 "run name, or best: the finished run with the best value of the sweep's objective (its "
                 "select.metric, else its search's, else val_loss) at its best epoch")
      ->capture_default_str();
  app.add_option("--db", o.db_path, "results database")->capture_default_str();
  app.add_option("--results", o.results, "results folder with <sweep>/checkpoints (default: the database's folder)");
  app.add_option("--tile", o.tile,
                 "tile size in pixels for large photos (tiles overlap by the receptive radius; "
                 "the result equals untiled); 0: the whole photo at once")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "render: " << e.what() << " (see render --help)\n";
    return bokeh::common::kExitBadInput;
  }
  try {
    return run(o);
  } catch (const bokeh::common::ProtectedOutput& e) {  // an output path that would replace results
    std::cerr << "render: " << e.what() << "\n";
    return bokeh::common::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "render: " << e.what() << "\n";
    return bokeh::common::kExitFailed;
  }
}
