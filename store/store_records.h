// What the results store keeps, as records: sweeps, runs (new and stored), epochs, events, sampled
// trials, coordinators (and when one counts as alive), and the states and answers of its operations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/local_process.h"
#include "common/train_result.h"
#include "store/store_schema.h"

namespace bokeh::orchestrator {

// register_sweep() refused a changed spec under an existing name; the message lists the differences.
class SpecChangedError : public StoreError {
 public:
  using StoreError::StoreError;
};

// Stopped: paused by early stopping at a rung (resumable: a promotion makes it pending again).
enum class RunState { Pending, Running, Done, Failed, Stopped };
const char* to_string(RunState state);  // "pending", "running", "done", "failed", "stopped"

struct SweepInfo {
  std::string name;
  std::string spec_text;       // the YAML as written
  std::string spec_hash;       // hash of spec_json
  std::string spec_json;       // the canonical spec (compared to detect a changed spec)
  std::string overrides_json;  // the --set arguments, as a JSON array of strings
  double created = 0;          // unix seconds; set by the store
  std::string instance;        // random hex id drawn by the store at registration (anew after --fresh);
                               // it owns the sweep's checkpoints and prepared data
  std::string data_file;       // the prepared-data file it trains on, as the sweep named it (reports open it,
                               // never build one); "" when registered without preparing data
};

struct NewRun {
  std::string key;
  std::string name;
  std::string config_json;  // the canonical run config
  double cost = 0;          // estimated FLOPs; runs are claimed longest first
  int64_t params = 0;
  int64_t epochs = 0;  // its train.epochs
  uint64_t seed = 0;   // the seed it trains with (config_seed(), common/run_identity.h)
};

struct RunRecord {
  int64_t id = 0;
  std::string sweep;
  std::string key;
  std::string name;
  std::string config_json;
  RunState state = RunState::Pending;
  int64_t attempts = 0;  // starts that failed or are under way (an interrupted start is not counted)
  double cost = 0;
  int64_t params = 0;
  std::string error;               // the last failure, "" if none
  std::string results_json;        // set when done, "" before
  std::optional<double> started;   // unix seconds of the latest start
  std::optional<double> finished;  // unix seconds it finished or last failed
  double runtime_s = 0;            // training time: the sum of its epochs' seconds, set when done or stopped
  int64_t rung = 0;                // early stopping: the rung it trains towards or stopped at (asha_rungs.h)
  int64_t epochs = 0;              // its train.epochs (0 for a run stored without one)
  uint64_t seed = 0;               // the seed it trains with, as added
};

struct EpochRecord {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0;
  double val_loss = 0;
  double gap = 0;  // |val_loss - train_loss|
  double lr = 0;
  double seconds = 0;
  double images_per_second = 0;
  // The validation set's per-image metrics and focus figures (common::EpochFigures, their columns named
  // as common::kValidationFigures names them); NULL in the store, empty here, where not computed (epochs
  // stored before schema 9, the focus figures before schema 10, LPIPS without weights).
  std::optional<double> val_l1 = {}, val_psnr = {}, val_ssim = {}, val_lpips = {};
  std::optional<double> val_fg_psnr = {}, val_fg_ssim = {}, val_bg_psnr = {}, val_bg_ssim = {}, val_bg_blur = {};
};

// An epoch row as the trainer's figures, and back.
inline common::EpochFigures epoch_figures(const EpochRecord& e) {
  return {e.epoch,       e.train_loss, e.val_loss, e.gap,       e.lr,          e.seconds,     e.images_per_second,
          e.val_l1,      e.val_psnr,   e.val_ssim, e.val_lpips, e.val_fg_psnr, e.val_fg_ssim, e.val_bg_psnr,
          e.val_bg_ssim, e.val_bg_blur};
}
inline EpochRecord epoch_record(const common::EpochFigures& f) {
  return {f.epoch,       f.train_loss, f.val_loss, f.gap,       f.lr,          f.seconds,     f.images_per_second,
          f.val_l1,      f.val_psnr,   f.val_ssim, f.val_lpips, f.val_fg_psnr, f.val_fg_ssim, f.val_bg_psnr,
          f.val_bg_ssim, f.val_bg_blur};
}

struct EventRecord {
  double time = 0;  // unix seconds
  std::string sweep;
  std::string run_key;  // "" for sweep-level events
  std::string kind;     // e.g. "registered", "start", "done", "failed", "retry", "recovered"
  std::string message;
};

// One draw of a sampled trial (orchestrator/search/sampler.h).
struct TrialRecord {
  int64_t number = 0;             // 1-based draw counter within the sweep
  std::optional<int64_t> run_id;  // nullopt: the draw repeated a config the sweep has (nothing added)
  std::string method;             // random | sobol | tpe
  std::string proposal;           // random | sobol | startup (tpe's quasi-random start) | model | explore
  std::string state_json;         // the sampler state at the draw: seed, counter, unit point, model inputs
  double drawn = 0;               // unix seconds; set by the store
};

enum class Registration { Created, Unchanged, Replaced };

// A process working on a sweep (a coordinator, or a single-process sweep). It beats every
// kHeartbeatSeconds while it lives; one silent for kCoordinatorStaleSeconds is taken for dead.
struct CoordinatorRecord {
  int64_t id = 0;
  std::string host;
  int64_t pid = 0;
  double started = 0;           // unix seconds
  double heartbeat = 0;         // unix seconds of its latest beat
  std::optional<double> ended;  // set when it finished or stopped cleanly
};
inline constexpr double kHeartbeatSeconds = 5;
inline constexpr double kCoordinatorStaleSeconds = 30;

// This machine's host name (as coordinators' rows record it).
using common::this_host;

// Whether `c` still works on its sweep at `now`: not ended, a beat within kCoordinatorStaleSeconds,
// and, when it runs on this host, a process with its pid exists.
bool coordinator_alive(const CoordinatorRecord& c, double now);

}  // namespace bokeh::orchestrator
