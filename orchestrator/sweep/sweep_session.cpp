// Setting up a sweep start on the coordinator, and its final status line.
#include "orchestrator/sweep/sweep_session.h"

#include <cstdio>

#include "orchestrator/sweep/interrupt.h"
#include "orchestrator/spec/spec_inputs.h"
#include "store/folder_owner.h"
#include "orchestrator/sweep/sweep_records.h"

namespace bokeh::orchestrator {

namespace {
// The store at `db_path`, opened (and created) only after the sweep's folder is found not to belong
// to a sweep of another database: a refused start leaves no file behind.
Store open_owned_store(const Spec& spec, const std::string& db_path) {
  const std::filesystem::path database = std::filesystem::absolute(db_path);
  check_folder_database(sweep_folder(results_root(database), spec.name), spec.name, database);
  return Store(db_path);
}
}  // namespace

SweepSession::SweepSession(const SweepCommand& command, const DataPreparer& prepare)
    : spec_(check_spec_inputs(load_spec(command.spec_path, command.overrides))),
      plan_(plan_runs(spec_)),
      progress_(command.quiet, stdout),
      store_(open_owned_store(spec_, command.db_path)) {
  book_ =
      std::make_unique<SweepBook>(store_, spec_, results_root(std::filesystem::absolute(command.db_path)), progress_);
  store_.check_registration(sweep_info(spec_), command.fresh);  // refuse a changed spec before the data work
  book_->claim_folder(command.fresh);  // another database's folder is refused; a discarded instance's files set aside
  {
    const ExitOnInterrupt at_once;  // Ctrl-C while preparing stops within moments, not when it is done
    book_->prepare_data(prepare);   // a failure here leaves nothing registered
  }
  book_->open(plan_, SweepOptions{command.fresh, command.retry_failed});
  heartbeat_ = std::make_unique<Heartbeat>(command.db_path, book_->coordinator_id());
}

SweepSession::~SweepSession() {
  heartbeat_.reset();
  if (book_ && book_->coordinator_id() != 0) {
    try {
      book_->leave();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sweep: %s\n", e.what());
    }
  }
}

int SweepSession::finish(bool interrupted) {
  if (interrupted) {
    book_->release_in_flight();
    std::fprintf(stderr, "sweep %s: interrupted; run the same command again to resume (%s)\n", spec_.name.c_str(),
                 progress_.summary().c_str());
    return common::kExitInterrupted;
  }
  const int64_t failed = book_->failed_runs();
  const int64_t unfinished = book_->unfinished_runs();
  const int64_t elsewhere = book_->running_elsewhere();
  book_->recount_progress();  // another process sharing the sweep may have finished runs too
  std::printf("sweep %s: %s\n", spec_.name.c_str(), progress_.summary().c_str());
  if (failed > 0) {
    std::fprintf(stderr, "sweep %s: %lld runs failed (see `report --status`; rerun with --retry-failed)\n",
                 spec_.name.c_str(), static_cast<long long>(failed));
    return common::kExitFailed;
  }
  if (elsewhere > 0 && elsewhere == unfinished) {
    std::printf(
        "sweep %s: nothing left to start here; %lld runs still running in another sweep process "
        "(`report --status` follows them)\n",
        spec_.name.c_str(), static_cast<long long>(elsewhere));
    return common::kExitOk;
  }
  return unfinished == 0 ? common::kExitOk : common::kExitFailed;
}

}  // namespace bokeh::orchestrator
