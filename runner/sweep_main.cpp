// `sweep SPEC [--db results/sweeps.db] [--set k=v]... [--quick] [--no-lpips] [--dry-run] [--retry-failed]
// [--fresh] [--quiet]`: runs a sweep. Under `mpirun -n N`, rank 0 coordinates and ranks 1..N-1 train;
// alone, it trains the runs itself. --dry-run validates and prints the expanded runs without touching
// anything; --quick and --no-lpips stand for sets of --set overrides (orchestrator/spec/spec_profiles.h).
// `sweep --train-one ...` is the child process a worker trains one run in (training_process.h).
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#ifdef BOKEH_WITH_MPI
#include <mpi.h>
#endif
#include <torch/version.h>

#include "bokeh_version.h"

#include "orchestrator/sweep/coordinator.h"
#include "orchestrator/sweep/interrupt.h"
#ifdef BOKEH_WITH_MPI
#include "orchestrator/mpi/mpi_check.h"
#endif
#include "orchestrator/mpi/rank_groups.h"
#include "common/model_arch.h"
#include "common/run_settings.h"
#include "orchestrator/plan/dry_run.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec_inputs.h"
#include "orchestrator/spec/spec_profiles.h"
#include "runner/cuda_devices.h"
#include "runner/single_process.h"
#include "runner/sweep_data.h"
#include "runner/training_process.h"
#ifdef BOKEH_WITH_MPI
#include "runner/worker_loop.h"
#endif

using namespace bokeh::runner;
using bokeh::common::kExitBadInput;
using bokeh::common::kExitFailed;
using bokeh::common::kExitOk;

namespace {
// Under mpirun every rank parses the same arguments; only rank 0 (as the launcher numbers it) prints.
bool launched_as_rank_zero() {
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  return rank == nullptr || std::string(rank) == "0";
}

// resources.ranks_per_run of the spec; a spec that does not load counts as 1 here: the coordinator then
// reports its error the usual way.
int spec_ranks_per_run(const bokeh::orchestrator::SweepCommand& command) {
  try {
    return static_cast<int>(
        bokeh::orchestrator::load_spec(command.spec_path, command.overrides).resources.ranks_per_run);
  } catch (const std::exception&) {
    return 1;
  }
}

#ifdef BOKEH_WITH_MPI
// resources.ranks_per_run, read by rank 0 and told to all (collective).
int agreed_ranks_per_run(const bokeh::orchestrator::SweepCommand& command, int rank) {
  int ranks_per_run = rank == 0 ? spec_ranks_per_run(command) : 1;
  bokeh::orchestrator::mpi_check(MPI_Bcast(&ranks_per_run, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return ranks_per_run;
}
#endif

// Whether a launcher (mpirun, or srun through PMI/PMIx) started this process as a rank of a job.
bool launched_as_mpi_rank() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(variable) != nullptr) return true;
  return false;
}

// A sweep started without a launcher: the one process trains the runs in turn, without MPI. (A
// singleton MPI_Init would start a helper daemon and a session folder in /tmp, which two sweeps started
// at the same moment race to create: OpenMPI then fails one of them with "mkdir ... File exists".)
int run_alone(const bokeh::orchestrator::SweepCommand& command) {
  bokeh::orchestrator::install_interrupt_handlers();
  if (const std::string error = bokeh::orchestrator::group_layout_error(1, spec_ranks_per_run(command));
      !error.empty()) {
    std::cerr << "sweep: " << command.spec_path << ": " << error << "\n";
    return bokeh::common::kExitBadInput;
  }
  try {
    return run_single_process(command, bokeh::orchestrator::single_process_layout());
  } catch (const std::bad_alloc&) {
    std::cerr << "sweep: out of memory in the sweep process itself (std::bad_alloc); runs in flight resume at the "
                 "next start\n";
  } catch (const std::exception& e) {  // the loop handles run errors; this is the store failing
    std::cerr << "sweep: " << e.what() << "\n";
  }
  return bokeh::common::kExitFailed;
}

// The largest input-side factor (common/model_arch.h: 64 for PyNET, 2^(depth-1) for a U-Net) of the runs
// the spec plans with its quick: section and the user's --sets. Planned on synthetic data at 4096x4096,
// which every arch accepts, since the quick look's sides are what this decides.
int64_t quick_pooling_factor(const bokeh::orchestrator::SweepCommand& command,
                             const std::vector<std::string>& spec_quick) {
  std::vector<std::string> sets = spec_quick;
  for (const char* set : {"data.source=synthetic", "data.height=4096", "data.width=4096"}) sets.emplace_back(set);
  sets.insert(sets.end(), command.overrides.begin(), command.overrides.end());
  const bokeh::orchestrator::RunPlan plan =
      bokeh::orchestrator::plan_runs(bokeh::orchestrator::load_spec(command.spec_path, sets));
  int64_t factor = 1;
  for (const auto* runs : {&plan.runs, &plan.trials}) {
    for (const bokeh::orchestrator::PlannedRun& run : *runs) {
      const bokeh::common::ModelConfig model = bokeh::common::train_config_from_json(run.config).model;
      factor = std::max(factor, bokeh::common::model_facts(model).pooling_factor(model));
    }
  }
  return factor;
}

// --quick and --no-lpips as the --set overrides they stand for, ahead of the user's own (which win).
// --quick names the sweep after the spec's; a spec that does not load is reported by the caller.
std::vector<std::string> expand_profiles(const bokeh::orchestrator::SweepCommand& command, bool quick, bool no_lpips) {
  std::vector<std::string> sets;
  if (quick) {
    try {
      const bokeh::orchestrator::Spec spec = bokeh::orchestrator::load_spec(command.spec_path, command.overrides);
      sets =
          bokeh::orchestrator::quick_look_overrides(spec.name, quick_pooling_factor(command, spec.quick), spec.quick);
    } catch (const std::exception&) {
      return command.overrides;
    }
  }
  if (no_lpips)
    for (const std::string& o : bokeh::orchestrator::no_lpips_overrides()) sets.push_back(o);
  sets.insert(sets.end(), command.overrides.begin(), command.overrides.end());
  return sets;
}

// What --version and the dry run say of this build.
std::string build_text() {
#ifdef BOKEH_WITH_CUDA
  const char* kind = "CUDA";
#else
  const char* kind = "CPU";
#endif
  return std::string("bokeh-sweep ") + BOKEH_VERSION + ", libtorch " + TORCH_VERSION + " (" + kind + ")";
}

// The dry run: the expanded runs, then any file the spec names that is not in place (a real start
// would refuse it), each with what to do.
// `json`: the plan as one JSON document (dry_run.h), with this build and the missing inputs added.
int dry_run(const bokeh::orchestrator::SweepCommand& command, bool json) {
  try {
    const bokeh::orchestrator::Spec spec = bokeh::orchestrator::load_spec(command.spec_path, command.overrides);
    if (json) {
      nlohmann::json out = bokeh::orchestrator::dry_run_json(spec, plan_runs(spec));
      out["build"] = build_text();
      out["not_in_place"] = nlohmann::json::array();
      for (const bokeh::orchestrator::InputProblem& p : bokeh::orchestrator::spec_input_problems(spec))
        out["not_in_place"].push_back(bokeh::orchestrator::SpecError(p.where, p.message).what());
      std::cout << out.dump(1) << "\n";
      return bokeh::common::kExitOk;
    }
    bokeh::orchestrator::print_dry_run(std::cout, spec, plan_runs(spec), cuda_devices());
    std::cout << "build: " << build_text() << "\n";
    for (const bokeh::orchestrator::InputProblem& p : bokeh::orchestrator::spec_input_problems(spec))
      std::cout << "not in place (a real start refuses this): "
                << bokeh::orchestrator::SpecError(p.where, p.message).what() << "\n";
    return bokeh::common::kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "sweep: " << e.what() << "\n";
    return bokeh::common::kExitBadInput;
  }
}

#ifdef BOKEH_WITH_MPI
int run_sweep(const bokeh::orchestrator::SweepCommand& command, int& argc, char**& argv) {
  bokeh::orchestrator::mpi_check(MPI_Init(&argc, &argv), "MPI_Init");
  bokeh::orchestrator::install_interrupt_handlers();  // after MPI_Init, so that ours handle SIGINT/SIGTERM
  int rank = 0, size = 1;
  bokeh::orchestrator::mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  bokeh::orchestrator::mpi_check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  const bokeh::orchestrator::NodeLayout layout = bokeh::orchestrator::node_layout(MPI_COMM_WORLD, size > 1 ? 0 : -1);
  const int ranks_per_run = agreed_ranks_per_run(command, rank);
  if (const std::string error = bokeh::orchestrator::group_layout_error(size, ranks_per_run); !error.empty()) {
    if (rank == 0) std::cerr << "sweep: " << command.spec_path << ": " << error << "\n";
    MPI_Finalize();
    return bokeh::common::kExitBadInput;
  }
  const bokeh::orchestrator::RankGroups groups = bokeh::orchestrator::split_into_groups(MPI_COMM_WORLD, ranks_per_run);
  const bokeh::orchestrator::MpiChannel channel(MPI_COMM_WORLD);
  int status = bokeh::common::kExitOk;
  try {
    if (size == 1)  // `mpirun -n 1`
      status = run_single_process(command, layout);
    else if (rank == 0)
      status = bokeh::orchestrator::run_coordinator(command, prepare_sweep_data, channel, groups.leaders);
    else
      status = run_worker(channel, layout, groups);
  } catch (const std::bad_alloc&) {  // the coordinator's or worker's own memory ran out, not a run's
    std::cerr << "sweep: rank " << rank << ": out of memory in the sweep process itself (std::bad_alloc); runs in "
              << "flight resume at the next start: free memory, or start fewer worker ranks per node\n";
    if (size > 1) MPI_Abort(MPI_COMM_WORLD, bokeh::common::kExitFailed);  // the other ranks must not wait for this one
    MPI_Finalize();
    return bokeh::common::kExitFailed;
  } catch (const std::exception& e) {  // the loops handle run errors; this is the store or MPI failing
    std::cerr << "sweep: rank " << rank << ": " << e.what() << "\n";
    MPI_Abort(MPI_COMM_WORLD, bokeh::common::kExitFailed);
  }
  // Every rank exits with the same status (the highest: interrupted 130 > bad input 2 > failed 1 > 0),
  // so that mpirun, which reports the first non-zero one, tells the sweep's outcome.
  int agreed = status;
  bokeh::orchestrator::mpi_check(MPI_Allreduce(&status, &agreed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  MPI_Finalize();
  return agreed;
}
#else
// A build without MPI (BOKEH_WITH_MPI=OFF) started under a launcher: every rank would train alone.
int run_sweep(const bokeh::orchestrator::SweepCommand&, int&, char**&) {
  if (launched_as_rank_zero())
    std::cerr << "sweep: this build has no MPI (BOKEH_WITH_MPI=OFF): start it without mpirun; it trains the runs "
                 "in turn\n";
  return bokeh::common::kExitBadInput;
}
#endif
}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == kTrainOneFlag) return train_one_main(argc, argv);
  bokeh::orchestrator::SweepCommand c;
  CLI::App app{
      "Runs a hyperparameter sweep of the bokeh U-Net. Under `mpirun -n N`, rank 0 coordinates and\n"
      "ranks 1..N-1 train (k ranks per run, in fixed groups, when the spec sets resources.ranks_per_run\n"
      "to k); without mpirun the one process trains the runs in turn. With a CUDA libtorch each worker\n"
      "trains on a GPU, resources.runs_per_gpu workers per GPU. Runs train in a child process of their\n"
      "rank (groups: in the ranks), so a crash fails only that run. Ctrl-C, SIGTERM or SIGUSR1 (which\n"
      "mpirun forwards) stop the sweep at the next batch with status 130; the same command again resumes\n"
      "it. A spec's runs are its explicit runs, grid points and sampled trials (search:, drawn as workers\n"
      "ask and stored as drawn; method tpe proposes from the results so far); with early_stopping: asha, runs stop at "
      "rungs and may be promoted later (decisions depend\n"
      "on the order results arrive under mpirun; see sweeps/README.md).",
      "sweep"};
  app.set_version_flag("--version", build_text(), "print this build's version and its libtorch's, then exit");
  app.add_option("spec", c.spec_path, "sweep spec (YAML), e.g. sweeps/demo.yaml")->required();
  app.add_option("--db", c.db_path, "results database; checkpoints and prepared data go beside it")
      ->capture_default_str();
  app.add_option("--set", c.overrides, "override a spec key, e.g. --set train.epochs=2 (repeatable)");
  bool quick = false, no_lpips = false;
  app.add_flag(bokeh::orchestrator::kQuickFlag, quick,
               "a quick look on a CPU: the built-in synthetic data at 32x48 (64x64 with PyNET: each side a multiple "
               "of what every run's model needs), 8/4/4 train/val/test pairs, each run's own epochs, then the "
               "spec's own quick: settings; stored as the sweep NAME-quick");
  app.add_flag(bokeh::orchestrator::kNoLpipsFlag, no_lpips,
               "without the LPIPS weights file: loss.lpips=0 in every run, test LPIPS shown as –");
  app.add_flag(
      "--dry-run", c.dry_run,
      "validate and print the expanded runs (and the first 20 sampled trials), ASHA's rungs and where workers train; "
      "touch nothing");
  std::string dry_run_format = "table";
  app.add_option("--format", dry_run_format,
                 "dry run: table, or json (one document: every run's settings, exact parameters, also per part, "
                 "FLOPs per image and training FLOPs)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str()
      ->needs(app.get_option("--dry-run"));
  app.add_flag("--retry-failed", c.retry_failed, "give failed runs another set of attempts");
  app.add_flag("--fresh", c.fresh,
               "discard the stored results of this sweep, whose spec changed, and start anew (with an unchanged spec "
               "it resumes, saying so)");
  app.add_flag("--quiet", c.quiet, "print only errors and the final summary");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForVersion& e) {
    return launched_as_rank_zero() ? app.exit(e) : 0;
  } catch (const CLI::CallForHelp& e) {
    return launched_as_rank_zero() ? app.exit(e) : 0;
  } catch (const CLI::ParseError& e) {
    if (launched_as_rank_zero()) std::cerr << "sweep: " << e.what() << " (see sweep --help)\n";
    return bokeh::common::kExitBadInput;
  }
  c.overrides = expand_profiles(c, quick, no_lpips);
  if (c.dry_run) return dry_run(c, dry_run_format == "json");
  return launched_as_mpi_rank() ? run_sweep(c, argc, argv) : run_alone(c);
}
