// Store bookkeeping of a sweep: registration, recovery, assignments, epochs, results, failures.
#include "orchestrator/sweep/sweep_book.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>

#include "common/checkpoint_files.h"
#include "common/result_json.h"
#include "store/folder_owner.h"
#include "store/results_layout.h"
#include "orchestrator/sweep/sweep_records.h"

namespace bokeh::orchestrator {

SweepBook::SweepBook(Store& store, const Spec& spec, std::filesystem::path results_root, Progress& progress)
    : store_(store), spec_(spec), results_root_(std::move(results_root)), progress_(progress), search_(store, spec) {}

void SweepBook::claim_folder(bool fresh) {
  const std::filesystem::path folder = sweep_folder(results_root_, spec_.name);
  const std::filesystem::path database = std::filesystem::absolute(store_.path());
  check_folder_database(folder, spec_.name, database);
  // The instance this start continues: the stored one, unless registration will draw a new one
  // (a new sweep, or --fresh over a changed spec).
  const std::optional<SweepInfo> stored = store_.sweep(spec_.name);
  const bool continues = stored && (stored->spec_json == sweep_info(spec_).spec_json || !fresh);
  const std::optional<FolderOwner> owner = read_folder_owner(folder);
  const std::string owner_instance = owner ? owner->instance : "";
  if (continues && !owner_instance.empty() && owner_instance == stored->instance) return;
  // Without an owner file the prepared data stays: another start of this sweep may be preparing it right
  // now (two processes sharing a database start at once), and the cache is validated by its key anyway.
  const std::filesystem::path moved = set_aside_sweep_files(folder, owner_instance, !owner_instance.empty());
  if (moved.empty()) return;
  set_aside_ =
      fmt::format("checkpoints{} of {} set aside in {}; the runs start from scratch",
                  owner_instance.empty() ? "" : " and prepared data",
                  owner_instance.empty() ? "an unknown sweep instance" : "discarded sweep instance " + owner_instance,
                  moved.string());
  progress_.message(fmt::format("sweep {}: {}", spec_.name, set_aside_));
}

void SweepBook::open(const RunPlan& plan, const SweepOptions& options) {
  SweepInfo info = sweep_info(spec_);
  info.data_file = data_file_;
  const Registration registration = store_.register_sweep(info, options.fresh);
  if (registration == Registration::Replaced)
    progress_.message(fmt::format("sweep {}: spec changed, started afresh (--fresh)", spec_.name));
  else if (registration == Registration::Unchanged && options.fresh)
    progress_.message(
        fmt::format("sweep {}: --fresh: the spec is unchanged, so its {} stored runs are kept and it "
                    "resumes (--fresh discards results of a changed spec only; --set sweep=NAME starts "
                    "over under another name)",
                    spec_.name, store_.runs(spec_.name).size()));
  instance_ = store_.sweep(spec_.name)->instance;
  write_folder_owner(sweep_folder(results_root_, spec_.name), instance_, std::filesystem::absolute(store_.path()));
  if (!set_aside_.empty()) store_.add_event(spec_.name, std::nullopt, "set-aside", set_aside_);
  // Sampled trials are not in the plan: they are drawn one by one (next_assignment), each stored as drawn.
  const int added = store_.add_runs(spec_.name, new_runs(plan));
  coordinator_id_ = store_.join_sweep(spec_.name, common::this_host(), ::getpid());
  for (const auto& duplicate : plan.duplicates)
    progress_.message(fmt::format("{}:{}: run '{}' repeats '{}' and runs once", duplicate.where.source,
                                  duplicate.where.line, duplicate.name, duplicate.same_as));
  const int recovered = store_.reset_running(spec_.name);
  if (recovered > 0) {  // the store logs the "recovered" event
    progress_.message(
        fmt::format("sweep {}: {} interrupted runs resume from their checkpoints", spec_.name, recovered));
  }
  if (options.retry_failed) {
    store_.reset_failed(spec_.name);  // logs "retry-failed"
  }
  if (added > 0) store_.add_event(spec_.name, std::nullopt, "planned", fmt::format("{} new runs", added));
  search_.load();
  search_.promote_due();  // a kill between a rung's record and its promotions left them due
  trained_epochs_ = store_.trained_epochs(spec_.name);
  if (!plan.trials.empty()) trial_cost_ = plan.trials.front().cost_flops;
  seen_event_ = store_.last_event_id();
  progress_.start(tally());
}

SweepTally SweepBook::tally() const {
  SweepTally t;
  for (const RunRecord& run : store_.runs(spec_.name)) {
    ++t.total_runs;
    if (run.state == RunState::Failed) {  // given up on: not work left
      ++t.failed_runs;
      continue;
    }
    t.total_cost += run.cost;
    if (run.state == RunState::Done || run.state == RunState::Stopped) {
      ++t.done_runs;
      t.stopped_runs += run.state == RunState::Stopped ? 1 : 0;
      t.done_cost += run.cost;
    }
  }
  for (const auto& [key, run] : in_flight_) t.done_cost += static_cast<double>(run.epochs_reported) * epoch_cost(run);
  const int64_t left = trials_left();
  t.open_ended = left < 0;
  if (left > 0) {  // the trials still to draw, at the cost of the spec's first
    t.total_runs += left;
    t.total_cost += static_cast<double>(left) * trial_cost_;
  }
  return t;
}

int64_t SweepBook::trials_left() const {
  const Sampler* sampler = search_.sampler();
  if (!sampler || space_exhausted_ || sampler->exhausted(trained_epochs_)) return 0;
  if (spec_.search.trials > 0) return spec_.search.trials - sampler->trials();
  return -1;
}

void SweepBook::recount_progress() { progress_.recount(tally()); }

void SweepBook::catch_up() {
  const int64_t last_event = store_.last_event_id();
  if (last_event == seen_event_) return;
  search_.load();
  // The store counts the epochs of runs in flight here too; this process adds them when they are done.
  trained_epochs_ = store_.trained_epochs(spec_.name);
  for (const auto& [key, run] : in_flight_) trained_epochs_ -= run.epochs_reported;
  progress_.recount(tally());
  seen_event_ = last_event;
}

void SweepBook::prepare_data(const DataPreparer& prepare) {
  progress_.message("preparing data...");
  const PreparedDataFile data = prepare(spec_.data, sweep_data_dir(results_root_, spec_.name));
  data_file_ = data.file;
  progress_.message(fmt::format("data: {} ({})", data.description, data_file_));
}

void SweepBook::decide(const std::function<void()>& body) {
  store_.exclusively([&] {
    catch_up();
    body();
    seen_event_ = store_.last_event_id();
  });
}

std::optional<common::AssignMessage> SweepBook::next_assignment() {
  std::optional<common::AssignMessage> assign;
  decide([&] { assign = assign_next(); });
  return assign;
}

std::optional<common::AssignMessage> SweepBook::assign_next() {
  if (const int reclaimed = store_.reset_running(spec_.name, coordinator_id_); reclaimed > 0)
    progress_.message(fmt::format("sweep {}: {} runs of a sweep process that died resume here", spec_.name, reclaimed));
  std::optional<RunRecord> run = store_.claim_next_pending(spec_.name, coordinator_id_);
  while (!run && search_.sampler() && !search_.sampler()->exhausted(trained_epochs_)) {
    if (draw_trial())
      run = store_.claim_next_pending(spec_.name, coordinator_id_);
    else if (++repeats_in_a_row_ >= kMaxRepeatedDraws) {
      space_exhausted_ = true;
      progress_.recount(tally());
      progress_.message(fmt::format("sweep {}: the last {} draws all repeated configs the sweep has; no more trials",
                                    spec_.name, kMaxRepeatedDraws));
      break;
    }
  }
  if (!run && in_flight_.empty()) {  // nothing left: the stopping rule may let a stopped run go on
    const std::vector<StopDecision> last = search_.promote_when_drained();
    report(last);
    if (!last.empty()) run = store_.claim_next_pending(spec_.name, coordinator_id_);
  }
  if (!run) return std::nullopt;
  common::AssignMessage assign;
  assign.run_key = run->key;
  assign.run_name = run->name;
  assign.config = nlohmann::json::parse(run->config_json);
  assign.seed = run->seed;  // repeats: the first repeat's seed + r
  assign.data_file = data_file_;
  assign.sweep_instance = instance_;
  assign.stall_seconds = spec_.resources.stall_minutes * 60.0;
  const auto checkpoint_dir = run_checkpoint_dir(results_root_, spec_.name, run->key);
  assign.checkpoint_dir = checkpoint_dir.string();
  assign.lpips_weights = spec_.lpips_weights;
  assign.inference_repeats = spec_.inference_repeats;
  assign.resume = common::has_checkpoint(checkpoint_dir);
  assign.device = spec_.resources.device;
  assign.threads = spec_.resources.threads;
  assign.runs_per_gpu = spec_.resources.runs_per_gpu;
  // The store logged "start" when the run was claimed; a resume is worth its own event.
  if (assign.resume)
    store_.add_event(spec_.name, run->id, "resume", fmt::format("attempt {}, from last.pt", run->attempts));
  const int64_t until = search_.target_epoch(*run);
  assign.until_epoch = until < run->epochs ? until : 0;
  in_flight_[run->key] = InFlight{*run, until, 0};
  return assign;
}

bool SweepBook::draw_trial() {
  // A model proposal of a config the sweep has is followed by an explore draw (Sampler::next_trial).
  std::optional<int64_t> id;
  double cost_flops = 0;
  const std::optional<TrialDraw> draw = search_.draw([&](const TrialDraw& d) {
    const PlannedRun trial = plan_trial(spec_, d.number, d.values);
    cost_flops = trial.cost_flops;
    id = add_drawn_trial(d, trial);
    return id.has_value();
  });
  if (!draw) return false;
  if (spec_.search.trials == 0) progress_.add_run(cost_flops);
  repeats_in_a_row_ = 0;
  search_.add_trial(store_.run(*id), *draw);
  return true;
}

std::optional<int64_t> SweepBook::add_drawn_trial(const TrialDraw& draw, const PlannedRun& trial) {
  return store_.add_trial(spec_.name, new_run(trial),
                          TrialRecord{draw.number, std::nullopt, to_string(spec_.search.method),
                                      to_string(draw.proposal), draw.state.dump(), 0});
}

SweepBook::InFlight& SweepBook::in_flight_run(const std::string& run_key, const char* message_type) {
  const auto it = in_flight_.find(run_key);
  if (it == in_flight_.end())
    throw common::ProtocolError(fmt::format("{} about run {}, which is not in flight", message_type, run_key));
  return it->second;
}

void SweepBook::on_epoch(const common::EpochMessage& message) {
  InFlight& run = in_flight_run(message.run_key, "EPOCH");
  // A resumed run reports from its checkpoint's next epoch: rows past it belong to the lost attempt.
  store_.discard_epochs_after(run.record.id, message.figures.epoch - 1);
  store_.record_epoch(run.record.id, epoch_record(message.figures));
  ++run.epochs_reported;
  progress_.epoch(run.record.name, run.record.epochs, message.figures, epoch_cost(run));
}

void SweepBook::on_done(const common::DoneMessage& message) {
  decide([&] { record_done(message); });
}

void SweepBook::record_done(const common::DoneMessage& message) {
  InFlight& run = in_flight_run(message.run_key, "DONE");
  if (message.results.epochs != run.until_epoch)
    throw common::ProtocolError(fmt::format("DONE about run {} after {} epochs; it was assigned {}", run.record.name,
                                            message.results.epochs, run.until_epoch));
  // The checkpoint's history is authoritative: it also holds epochs whose message a crash lost.
  store_.discard_epochs_after(run.record.id, 0);
  for (const auto& figures : message.results.history) store_.record_epoch(run.record.id, epoch_record(figures));
  const std::string results = common::result_to_json(message.results).dump();
  // The sweep's epochs, as its rows count them: this assignment took the run from its last rung (or 0).
  trained_epochs_ += run.until_epoch - search_.start_epoch(run.record);
  const std::vector<StopDecision> decisions =
      search_.on_result(run.record, message.results.history, run.until_epoch, results);
  if (run.until_epoch < run.record.epochs) {  // a rung: the stopping rule decided whether it goes on
    in_flight_.erase(message.run_key);
    report(decisions);
    return;
  }
  store_.finish_run(run.record.id, results);
  const double remaining = static_cast<double>(run.record.epochs - run.epochs_reported) * epoch_cost(run);
  progress_.run_done(run.record.name, message.results, remaining);
  in_flight_.erase(message.run_key);
}

void SweepBook::report(const std::vector<StopDecision>& decisions) {
  const StoppingRule* rule = search_.stopping_rule();
  for (const StopDecision& d : decisions) {
    const RunRecord run = store_.run(d.run_id);
    const double left = 1.0 - static_cast<double>(rule->rung_epoch(d.rung)) / static_cast<double>(run.epochs);
    const int stopped = d.goes_on ? (d.was_stopped ? -1 : 0) : 1;
    progress_.early_stop(d.run_name, stopped, stopped * run.cost * left, d.why);
  }
}

void SweepBook::on_failed(const common::FailedMessage& message) {
  InFlight& run = in_flight_run(message.run_key, "FAILED");
  const double done_cost = static_cast<double>(run.epochs_reported) * epoch_cost(run);
  if (message.interrupted) {
    progress_.run_interrupted(run.record.name, done_cost);
    in_flight_.erase(message.run_key);
    return;  // it stays running in the store until release_in_flight() or the next start recovers it
  }
  // A retry starts afresh: resuming would only replay a deterministic failure.
  common::remove_checkpoints(run_checkpoint_dir(results_root_, spec_.name, run.record.key));
  const RunState state = store_.fail_run(run.record.id, message.error, spec_.resources.max_attempts);
  if (state == RunState::Failed) search_.on_given_up(run.record.id);
  progress_.run_failed(run.record.name, message.error, state == RunState::Pending, done_cost, run.record.cost);
  in_flight_.erase(message.run_key);
}

void SweepBook::on_notice(const common::NoticeMessage& message) {
  const InFlight& run = in_flight_run(message.run_key, "NOTICE");
  store_.add_event(spec_.name, run.record.id, message.kind, message.text);
  progress_.message(fmt::format("{}: {}", run.record.name, message.text));
}

void SweepBook::release_in_flight() {
  in_flight_.clear();
  const int released = store_.release_runs(coordinator_id_);
  if (released > 0)
    store_.add_event(spec_.name, std::nullopt, "interrupted", fmt::format("{} runs stopped at a checkpoint", released));
}

int64_t SweepBook::failed_runs() const {
  int64_t failed = 0;
  for (const RunRecord& run : store_.runs(spec_.name)) failed += run.state == RunState::Failed ? 1 : 0;
  return failed;
}

void SweepBook::leave() { store_.leave_sweep(coordinator_id_); }

int64_t SweepBook::running_elsewhere() const {
  int64_t running = 0;
  for (const RunRecord& run : store_.runs(spec_.name))
    running += run.state == RunState::Running && !in_flight(run.key) ? 1 : 0;
  return running;
}

int64_t SweepBook::unfinished_runs() const {
  int64_t left = 0;
  for (const RunRecord& run : store_.runs(spec_.name))
    left += run.state == RunState::Done || run.state == RunState::Stopped ? 0 : 1;
  return left;
}

}  // namespace bokeh::orchestrator
