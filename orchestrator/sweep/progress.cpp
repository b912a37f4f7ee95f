// Progress and ETA lines of a sweep; a finished run's figures named and written as
// common/result_figures.h says.
#include "orchestrator/sweep/progress.h"

#include <cerrno>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "common/result_figures.h"
#include "orchestrator/sweep/interrupt.h"

namespace bokeh::orchestrator {
namespace {

// A result figure's value as the done line writes it (common/result_figures.h's decimals); "–" when missing.
std::string figure_text(const char* name, std::optional<double> value) {
  return value ? common::compared_text(*common::find_result_figure(name), *value) : "–";
}

// "PSNR 24.51": the figure's header and value.
std::string labelled(const char* name, std::optional<double> value) {
  return fmt::format("{} {}", common::find_result_figure(name)->header, figure_text(name, value));
}

}  // namespace

Progress::Progress(bool quiet, std::FILE* out) : quiet_(quiet), out_(out), started_(std::chrono::steady_clock::now()) {}

void Progress::start(const SweepTally& tally) {
  recount(tally);
  started_ = std::chrono::steady_clock::now();
  print(fmt::format("sweep: {}{} runs, {} already done{}", tally.total_runs, tally.open_ended ? "+" : "",
                    tally.done_runs,
                    tally.stopped_runs > 0 ? fmt::format(" ({} of them stopped early)", tally.stopped_runs) : ""));
}

void Progress::recount(const SweepTally& tally) {
  total_runs_ = tally.total_runs;
  total_cost_ = tally.total_cost;
  done_runs_ = tally.done_runs;
  done_cost_ = tally.done_cost;
  stopped_runs_ = tally.stopped_runs;
  failed_runs_ = tally.failed_runs;
  open_ended_ = tally.open_ended;
}

void Progress::add_run(double cost) {
  ++total_runs_;
  total_cost_ += cost;
}

void Progress::epoch(const std::string& run, int64_t epochs, const common::EpochFigures& f, double epoch_cost) {
  done_cost_ += epoch_cost;
  cost_this_start_ += epoch_cost;
  print(fmt::format("{:<18} epoch {:>3}/{:<3} train {:.4f}  val {:.4f}  gap {:.4f}  lr {:.2e}  {:.1f} img/s  [{}]", run,
                    f.epoch, epochs, f.train_loss, f.val_loss, f.gap, f.lr, f.images_per_second, summary()));
}

void Progress::run_done(const std::string& run, const common::TrainResult& r, double remaining_epoch_cost) {
  ++done_runs_;
  done_cost_ += remaining_epoch_cost;
  print(fmt::format("{:<18} done: best epoch {} val {}; test {} {} {} {}; {} [{}]", run, r.best_epoch,
                    figure_text("best_val_loss", r.best_val_loss), labelled("test_l1", r.test.l1),
                    labelled("test_psnr", r.test.psnr), labelled("test_ssim", r.test.ssim),
                    labelled("test_lpips", r.test.lpips), format_duration(r.runtime_seconds), summary()));
}

void Progress::run_failed(const std::string& run, const std::string& error, bool will_retry, double done_epoch_cost,
                          double run_cost) {
  done_cost_ -= done_epoch_cost;  // a retry does those epochs again
  if (!will_retry) {
    ++failed_runs_;
    total_cost_ -= run_cost;  // a run given up on is no longer work left
  }
  print(fmt::format("{:<18} FAILED{}: {} [{}]", run, will_retry ? " (will retry)" : "", error, summary()));
}

void Progress::run_interrupted(const std::string& run, double done_epoch_cost) {
  done_cost_ -= done_epoch_cost;
  print(fmt::format("{:<18} stopped; resumes from its last checkpoint [{}]", run, summary()));
}

void Progress::early_stop(const std::string& run, int stopped, double skipped_cost, const std::string& why) {
  stopped_runs_ += stopped;
  done_runs_ += stopped;
  done_cost_ += skipped_cost;
  const char* what = stopped > 0 ? "stopped" : stopped < 0 ? "promoted" : "goes on";
  print(fmt::format("{:<18} {} at {} [{}]", run, what, why, summary()));
}

void Progress::message(const std::string& line) { print(line); }

std::string Progress::summary() const {
  std::string s = fmt::format("done {}/{}{}", done_runs_, total_runs_, open_ended_ ? "+" : "");
  if (stopped_runs_ > 0) s += fmt::format(" ({} stopped early)", stopped_runs_);
  if (failed_runs_ > 0) s += fmt::format(", {} failed", failed_runs_);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double left = total_cost_ - done_cost_;
  if (cost_this_start_ > 0 && left > 0 && !open_ended_)
    s += ", ETA " + format_duration(elapsed * left / cost_this_start_);
  return s;
}

void Progress::print(const std::string& line) const {
  if (quiet_ || output_lost_) return;
  errno = 0;
  const bool failed = std::fprintf(out_, "%s\n", line.c_str()) < 0 || std::fflush(out_) != 0 || std::ferror(out_);
  if (!failed) return;
  // `sweep ... | head -1`: the reader went away (EPIPE; SIGPIPE is ignored) or the disk is full. The
  // sweep stops as a signal would stop it, resumable, and says why once.
  output_lost_ = true;
  std::fprintf(stderr, "sweep: cannot write progress to standard output (%s); stopping: the same command resumes\n",
               errno != 0 ? std::strerror(errno) : "write error");
  request_interrupt();
}

std::string format_duration(double seconds) {
  const auto total = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  if (total >= 3600) return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
  if (total >= 60) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}s", total);
}

}  // namespace bokeh::orchestrator
