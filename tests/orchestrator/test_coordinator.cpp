// The coordinator's loop over an in-memory Channel whose pretend workers answer each ASSIGN with
// scripted EPOCH and DONE/FAILED messages (or a malformed one): every run is handed out once, the
// store ends as the worker reports say, failures are retried, a misbehaving rank is retired, and
// every worker gets exactly one STOP; a rank of another protocol version makes the exit 2; failed data
// preparation registers nothing; another live sweep process's runs are left to it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <unistd.h>

#include "orchestrator/sweep/coordinator.h"
#include "store/store.h"
#include "orchestrator/sweep/sweep_records.h"
#include "sweep_test_spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;
using bokeh::test::TempDir;

namespace {

// An incoming message, or (no message) a malformed one that receive() reports as a ProtocolError.
struct Incoming {
  int source;
  std::optional<Message> message;
};

// Worker ranks simulated in memory. Each starts with READY; an ASSIGN is answered through `answer`.
class PretendWorkers : public Channel {
 public:
  using Answer = std::function<std::vector<std::optional<Message>>(int rank, const AssignMessage& assign)>;

  PretendWorkers(const std::vector<int>& ranks, Answer answer) : answer_(std::move(answer)) {
    for (int rank : ranks) inbox_.push_back({rank, ReadyMessage{"pretend", 1, "cpu"}});
  }

  void send(int destination, const Message& message) const override {
    sent_.emplace_back(destination, message);
    if (const auto* assign = std::get_if<AssignMessage>(&message))
      for (auto& reply : answer_(destination, *assign)) inbox_.push_back({destination, std::move(reply)});
  }
  bool message_waiting(int) const override { return !inbox_.empty(); }
  std::optional<ReceivedMessage> receive(int, std::chrono::milliseconds, const std::function<bool()>&) const override {
    if (inbox_.empty()) return std::nullopt;
    Incoming next = inbox_.front();
    inbox_.pop_front();
    if (!next.message) throw ProtocolError("malformed EPOCH from rank " + std::to_string(next.source), next.source);
    return ReceivedMessage{next.source, *next.message};
  }

  std::vector<std::string> assigned_runs() const {
    std::vector<std::string> names;
    for (const auto& [rank, m] : sent_)
      if (const auto* a = std::get_if<AssignMessage>(&m)) names.push_back(a->run_name);
    return names;
  }
  std::map<int, int> stops() const {
    std::map<int, int> count;
    for (const auto& [rank, m] : sent_) count[rank] += std::holds_alternative<StopMessage>(m) ? 1 : 0;
    return count;
  }

 private:
  Answer answer_;
  mutable std::deque<Incoming> inbox_;
  mutable std::vector<std::pair<int, Message>> sent_;
};

// Trains every run as scripted: its epochs, then DONE.
std::vector<std::optional<Message>> train(const AssignMessage& assign) {
  std::vector<std::optional<Message>> replies;
  for (int64_t e = 1; e <= 2; ++e) replies.emplace_back(EpochMessage{assign.run_key, bokeh::test::scripted_epoch(e)});
  replies.emplace_back(DoneMessage{assign.run_key, bokeh::test::scripted_result(2)});
  return replies;
}

// A worker rank of another build: its READY names another protocol version, decoded as a rank would.
class OtherBuildRank : public Channel {
 public:
  void send(int, const Message& message) const override { stops_ += std::holds_alternative<StopMessage>(message); }
  bool message_waiting(int) const override { return !sent_ready_; }
  std::optional<ReceivedMessage> receive(int, std::chrono::milliseconds, const std::function<bool()>&) const override {
    if (sent_ready_) return std::nullopt;
    sent_ready_ = true;
    nlohmann::json ready = nlohmann::json::parse(encode_message(ReadyMessage{"elsewhere", 1, "cpu"}));
    ready["version"] = kProtocolVersion + 1;
    return ReceivedMessage{1, decode_message(static_cast<int>(MessageTag::Ready), ready.dump(), 1)};
  }
  int stops() const { return stops_; }

 private:
  mutable bool sent_ready_ = false;
  mutable int stops_ = 0;
};

struct CoordinatorFixture {
  TempDir dir;
  SweepCommand command;
  int prepared = 0;
  DataPreparer prepare = [this](const DataConfig&, const std::filesystem::path& folder) {
    ++prepared;
    return PreparedDataFile{(folder / "pairs.bin").string(), "pretend data"};
  };

  CoordinatorFixture() {
    command.spec_path = bokeh::test::write_spec(dir, bokeh::test::kBookSpec);
    command.db_path = dir.file("sweeps.db");
    command.quiet = true;
  }

  std::map<std::string, RunRecord> runs() const {
    std::map<std::string, RunRecord> by_name;
    for (const RunRecord& r : Store(command.db_path, true).runs("book")) by_name[r.name] = r;
    return by_name;
  }
};

}  // namespace

TEST_CASE("coordinator: every run handed out once, booked done, every worker stopped once", "[coordinator]") {
  CoordinatorFixture f;
  const PretendWorkers workers({1, 2}, [](int, const AssignMessage& a) { return train(a); });
  CHECK(run_coordinator(f.command, f.prepare, workers, {1, 2}) == kExitOk);
  CHECK(f.prepared == 1);
  CHECK(workers.assigned_runs() == std::vector<std::string>{"big", "mid", "small"});
  CHECK(workers.stops() == std::map<int, int>{{1, 1}, {2, 1}});
  const Store store(f.command.db_path, true);
  for (const auto& [name, run] : f.runs()) {
    CHECK(run.state == RunState::Done);
    CHECK(store.epochs(run.id).size() == 2);
  }
}

TEST_CASE("coordinator: a run that keeps failing is retried up to max_attempts, then the exit is 1", "[coordinator]") {
  CoordinatorFixture f;
  const PretendWorkers workers({1, 2}, [](int, const AssignMessage& a) -> std::vector<std::optional<Message>> {
    if (a.run_name == "mid") return {FailedMessage{a.run_key, "non-finite loss at epoch 1, batch 1", false}};
    return train(a);
  });
  CHECK(run_coordinator(f.command, f.prepare, workers, {1, 2}) == kExitFailed);
  const auto assigned = workers.assigned_runs();
  CHECK(std::count(assigned.begin(), assigned.end(), "mid") == 2);
  const auto runs = f.runs();
  CHECK(runs.at("mid").state == RunState::Failed);
  CHECK(runs.at("big").state == RunState::Done);
  CHECK(runs.at("small").state == RunState::Done);
}

TEST_CASE("coordinator: a rank that sends something malformed is retired and its run retried elsewhere",
          "[coordinator]") {
  CoordinatorFixture f;
  const PretendWorkers workers({1, 2}, [](int rank, const AssignMessage& a) -> std::vector<std::optional<Message>> {
    if (rank == 2) return {std::nullopt};
    return train(a);
  });
  CHECK(run_coordinator(f.command, f.prepare, workers, {1, 2}) == kExitOk);
  for (const auto& [name, run] : f.runs()) CHECK(run.state == RunState::Done);
  CHECK(workers.stops() == std::map<int, int>{{1, 1}, {2, 1}});
  const auto assigned = workers.assigned_runs();
  CHECK(assigned.size() == 4);  // the run rank 2 held is handed out a second time
}

TEST_CASE("coordinator: a rank of another protocol version is retired and the exit is 2 (bad input) instead of 1",
          "[coordinator]") {
  CoordinatorFixture f;
  const OtherBuildRank worker;
  CHECK(run_coordinator(f.command, f.prepare, worker, {1}) == kExitBadInput);
  CHECK(worker.stops() == 1);
  for (const auto& [name, run] : f.runs()) CHECK(run.state == RunState::Pending);  // nothing lost, nothing failed
}

TEST_CASE("coordinator: a spec that does not load stops every worker and exits 2, recording nothing", "[coordinator]") {
  CoordinatorFixture f;
  f.command.spec_path = bokeh::test::write_spec(f.dir, "sweep: bad\nbase: {train: {lr: -1}}\n", "bad.yaml");
  const PretendWorkers workers({1, 2}, [](int, const AssignMessage& a) { return train(a); });
  CHECK(run_coordinator(f.command, f.prepare, workers, {1, 2}) == kExitBadInput);
  CHECK(workers.assigned_runs().empty());
  CHECK(workers.stops() == std::map<int, int>{{1, 1}, {2, 1}});
  CHECK(f.prepared == 0);
  CHECK_FALSE(std::filesystem::exists(f.command.db_path));
}

TEST_CASE("coordinator: data that fails to prepare leaves the sweep unregistered, so the fixed rerun is not refused",
          "[coordinator]") {
  CoordinatorFixture f;
  const PretendWorkers first({1}, [](int, const AssignMessage& a) { return train(a); });
  const DataPreparer missing_root = [](const DataConfig&, const std::filesystem::path&) -> PreparedDataFile {
    throw std::runtime_error("data.root /nowhere: no such folder");
  };
  CHECK(run_coordinator(f.command, missing_root, first, {1}) == kExitBadInput);
  CHECK(first.assigned_runs().empty());
  CHECK(Store(f.command.db_path, true).sweeps().empty());  // nothing registered, nothing to refuse later

  // The rerun with the data fixed: a changed data section is not "a different spec" of a registered sweep.
  std::string fixed = bokeh::test::kBookSpec;
  fixed.replace(fixed.find("train_pairs: 4"), 14, "train_pairs: 3");
  f.command.spec_path = bokeh::test::write_spec(f.dir, fixed, "fixed.yaml");
  const PretendWorkers second({1}, [](int, const AssignMessage& a) { return train(a); });
  CHECK(run_coordinator(f.command, f.prepare, second, {1}) == kExitOk);
  for (const auto& [name, run] : f.runs()) CHECK(run.state == RunState::Done);
}

TEST_CASE("coordinator: a run left running by another live sweep process is not taken and the exit is 0, saying so",
          "[coordinator]") {
  CoordinatorFixture f;
  {  // another process on this host (this test's own pid: alive) registered the sweep and holds "big"
    Store store(f.command.db_path);
    const Spec spec = load_spec(f.command.spec_path, {});
    store.register_sweep(sweep_info(spec));
    store.add_runs("book", new_runs(plan_runs(spec)));
    const int64_t other = store.join_sweep("book", this_host(), ::getpid());
    REQUIRE(store.claim_next_pending("book", other)->name == "big");
  }
  const PretendWorkers workers({1}, [](int, const AssignMessage& a) { return train(a); });
  CHECK(run_coordinator(f.command, f.prepare, workers, {1}) == kExitOk);
  CHECK(workers.assigned_runs() == std::vector<std::string>{"mid", "small"});
  const auto runs = f.runs();
  CHECK(runs.at("big").state == RunState::Running);  // still the other process's
  CHECK(runs.at("mid").state == RunState::Done);
  CHECK(runs.at("small").state == RunState::Done);
}
