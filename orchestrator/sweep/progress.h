// Progress lines printed by the coordinator (rank 0): one per finished epoch and run, and a
// summary with done/total, failures and an ETA from the runs' cost estimates. Plain lines only
// (no cursor movement), so logs and pipes read the same as a terminal; silent with --quiet.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "common/train_result.h"

namespace bokeh::orchestrator {

// A sweep's size and what of it is done, as the store holds it.
struct SweepTally {
  int64_t total_runs = 0;  // the runs stored and the trials still to draw
  double total_cost = 0;   // their cost estimates (runs given up on excluded)
  int64_t done_runs = 0;   // done or stopped early
  double done_cost = 0;
  int64_t stopped_runs = 0;  // stopped early (ASHA)
  int64_t failed_runs = 0;   // given up on
  bool open_ended = false;   // a search bounded by its epoch budget alone: more trials may come
};

class Progress {
 public:
  Progress(bool quiet, std::FILE* out);

  // The sweep's size and the part already done before this start (runs stopped by early stopping
  // count as done); prints it.
  void start(const SweepTally& tally);
  // The same counts anew (another process sharing the sweep changed them), silently; the ETA keeps
  // the pace measured in this start.
  void recount(const SweepTally& tally);
  // A trial drawn by an open-ended search (a bounded one counted its trials from the start).
  void add_run(double cost);

  // `epoch_cost`: the run's cost estimate divided by its epochs.
  void epoch(const std::string& run, int64_t epochs, const common::EpochFigures& figures, double epoch_cost);
  void run_done(const std::string& run, const common::TrainResult& result, double remaining_epoch_cost);
  // `done_epoch_cost`: the cost of the epochs this attempt had finished; `run_cost`: the run's estimate.
  void run_failed(const std::string& run, const std::string& error, bool will_retry, double done_epoch_cost,
                  double run_cost);
  // A run stopped by a signal: it resumes from its last checkpoint at the next start.
  void run_interrupted(const std::string& run, double done_epoch_cost);
  // An early-stopping decision about `run` (`why` explains it): stopped (`stopped` = 1; the epochs it
  // will not train, `skipped_cost`, count as done) or promoted after a stop (-1; they count as work again,
  // `skipped_cost` < 0), or going on from a rung it just reached (0, no cost change).
  void early_stop(const std::string& run, int stopped, double skipped_cost, const std::string& why);
  void message(const std::string& line);

  // "done 3/8 (2 stopped early), 1 failed, ETA 2m10s" from the cost done in this start and the time it took;
  // "done 3/5+" while a search bounded by its epoch budget may still add trials (no ETA then).
  std::string summary() const;

 private:
  // A line on `out`; when it cannot be written (a closed pipe, a full disk), one line on stderr and a
  // stop request (interrupt.h), then silence.
  void print(const std::string& line) const;

  bool quiet_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point started_;
  int64_t total_runs_ = 0, done_runs_ = 0, failed_runs_ = 0, stopped_runs_ = 0;
  bool open_ended_ = false;
  double total_cost_ = 0, done_cost_ = 0, cost_this_start_ = 0;
  mutable bool output_lost_ = false;
};

// "1h02m", "3m05s", "42s".
std::string format_duration(double seconds);

}  // namespace bokeh::orchestrator
