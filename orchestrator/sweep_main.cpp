// `sweep SPEC [--db results/sweeps.db] [--set k=v]... [--dry-run] [--retry-failed] [--fresh] [--quiet]`:
// validates and expands a sweep spec; --dry-run prints the runs without touching the store.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "orchestrator/dry_run.h"
#include "orchestrator/run_plan.h"
#include "orchestrator/spec.h"

namespace {

struct SweepOptions {
  std::string spec_path;
  std::string db_path = "results/sweeps.db";
  std::vector<std::string> overrides;
  bool dry_run = false;
  bool retry_failed = false;
  bool fresh = false;
  bool quiet = false;
};

}  // namespace

int main(int argc, char** argv) {
  SweepOptions o;
  CLI::App app{"Run a hyperparameter sweep of the bokeh U-Net (under mpirun: coordinator + workers)", "sweep"};
  app.add_option("spec", o.spec_path, "sweep spec (YAML), e.g. sweeps/demo.yaml")->required();
  app.add_option("--db", o.db_path, "results database")->capture_default_str();
  app.add_option("--set", o.overrides, "override a spec key, e.g. --set train.epochs=2 (repeatable)");
  app.add_flag("--dry-run", o.dry_run, "validate and print the expanded runs; touch nothing");
  app.add_flag("--retry-failed", o.retry_failed, "give failed runs another set of attempts");
  app.add_flag("--fresh", o.fresh, "discard the stored results of this sweep and start it anew");
  app.add_flag("--quiet", o.quiet, "print only errors and the final summary");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "sweep: " << e.what() << " (see sweep --help)\n";
    return 1;
  }
  try {
    const bokeh::orchestrator::Spec spec = bokeh::orchestrator::load_spec(o.spec_path, o.overrides);
    const bokeh::orchestrator::RunPlan plan = bokeh::orchestrator::plan_runs(spec);
    if (o.dry_run) {
      bokeh::orchestrator::print_dry_run(std::cout, spec, plan);
      return 0;
    }
    std::cerr << "sweep: training is not wired into sweep yet; only --dry-run works for now\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "sweep: " << e.what() << "\n";
    return 1;
  }
}
