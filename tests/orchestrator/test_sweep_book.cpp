// SweepBook on a temporary store, without MPI or a worker: registration, longest-first assignments,
// resume detection, a run's seed and epochs as stored, epochs and results booked, failures retried then
// given up, a stop that costs no attempt, reports about runs that are not in flight refused, and --fresh over an
// unchanged spec.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "orchestrator/plan/run_plan.h"
#include "store/results_layout.h"
#include "orchestrator/sweep/sweep_book.h"
#include "sweep_test_spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;
using bokeh::test::TempDir;

namespace {

// A book over a fresh store in `dir`, its data "prepared" by a stand-in that records its folder.
struct BookFixture {
  TempDir dir;
  Spec spec = parse_spec(bokeh::test::kBookSpec, "book.yaml");
  RunPlan plan = plan_runs(spec);
  Store store{dir.file("sweeps.db")};
  Progress progress{true, stdout};
  SweepBook book{store, spec, dir.path(), progress};
  std::filesystem::path prepared_in;

  BookFixture() {
    book.open(plan, SweepOptions{});
    book.prepare_data([&](const DataConfig& data, const std::filesystem::path& folder) {
      CHECK(data.train_pairs == 4);
      prepared_in = folder;
      return PreparedDataFile{(folder / "pairs.bin").string(), "4 train / 2 validation / 2 test pairs at 16x16"};
    });
  }

  RunRecord record(const std::string& name) const {
    for (const RunRecord& r : store.runs("book"))
      if (r.name == name) return r;
    FAIL("no run " << name);
    return {};
  }
};

}  // namespace

TEST_CASE("open registers the sweep and its runs, data is prepared in <root>/<sweep>/data", "[sweep_book]") {
  BookFixture f;
  CHECK(f.store.sweep("book").has_value());
  CHECK(f.store.runs("book").size() == 3);
  CHECK(f.prepared_in == sweep_data_dir(f.dir.path(), "book"));
  bool planned = false;
  for (const EventRecord& e : f.store.events("book"))
    planned = planned || (e.kind == "planned" && e.message == "3 new runs");
  CHECK(planned);
}

TEST_CASE("assignments come longest cost first and carry the sweep's files", "[sweep_book]") {
  BookFixture f;
  std::vector<std::string> order;
  while (auto a = f.book.next_assignment()) {
    order.push_back(a->run_name);
    CHECK(a->data_file == (f.prepared_in / "pairs.bin").string());
    CHECK(a->checkpoint_dir == run_checkpoint_dir(f.dir.path(), "book", a->run_key).string());
    CHECK(a->seed == run_seed(5, a->run_key));
    CHECK_FALSE(a->resume);
    CHECK(f.book.in_flight(a->run_key));
  }
  CHECK(order == std::vector<std::string>{"big", "mid", "small"});
  CHECK(f.record("big").state == RunState::Running);
  CHECK(f.record("big").attempts == 1);
}

TEST_CASE("a run with a last.pt is assigned as a resume, and the resume is an event", "[sweep_book]") {
  BookFixture f;
  const std::string key = f.record("big").key;
  std::filesystem::create_directories(run_checkpoint_dir(f.dir.path(), "book", key));
  std::ofstream(run_checkpoint_dir(f.dir.path(), "book", key) / "last.pt") << "x";
  const auto a = f.book.next_assignment();
  REQUIRE(a);
  CHECK(a->run_name == "big");
  CHECK(a->resume);
  bool resumed = false;
  for (const EventRecord& e : f.store.events("book")) resumed = resumed || (e.kind == "resume" && e.run_key == key);
  CHECK(resumed);
}

TEST_CASE("epochs and the result are booked, the result's history replaces the epoch rows", "[sweep_book]") {
  BookFixture f;
  const auto a = f.book.next_assignment();
  REQUIRE(a);
  f.book.on_epoch(EpochMessage{a->run_key, bokeh::test::scripted_epoch(1)});
  f.book.on_epoch(EpochMessage{a->run_key, bokeh::test::scripted_epoch(2)});
  // A resumed attempt reports epoch 2 again: the rows past epoch 1 belong to the lost attempt.
  f.book.on_epoch(EpochMessage{a->run_key, bokeh::test::scripted_epoch(2)});
  const int64_t id = f.record(a->run_name).id;
  CHECK(f.store.epochs(id).size() == 2);
  f.book.on_done(DoneMessage{a->run_key, bokeh::test::scripted_result(2)});
  CHECK_FALSE(f.book.in_flight(a->run_key));
  const RunRecord done = f.record(a->run_name);
  CHECK(done.state == RunState::Done);
  CHECK(f.store.epochs(id).size() == 2);
  CHECK(f.store.epochs(id)[1].val_loss == Approx(0.25));
  CHECK(f.book.unfinished_runs() == 2);
  CHECK(f.book.failed_runs() == 0);
}

TEST_CASE("an assignment takes the run's seed and epochs from its stored row, not from its config", "[sweep_book]") {
  BookFixture f;
  // A run stored with a seed and an epoch count its config does not give (the config says 2 epochs):
  // the coordinator trusts the row, as the run's trainer will.
  nlohmann::json config = nlohmann::json::parse(f.record("big").config_json);
  config["train"]["lr"] = 0.5;
  REQUIRE(config.at("train").at("epochs") == 2);
  f.store.add_runs("book", {NewRun{config_key(config), "stored", config.dump(), 1e30, 1, 1, 777}});
  const auto a = f.book.next_assignment();
  REQUIRE(a);
  CHECK(a->run_name == "stored");
  CHECK(a->seed == 777);
  CHECK(a->until_epoch == 0);  // no early stopping: to its last epoch, the stored 1
  CHECK_THROWS_AS(f.book.on_done(DoneMessage{a->run_key, bokeh::test::scripted_result(2)}), ProtocolError);
  f.book.on_done(DoneMessage{a->run_key, bokeh::test::scripted_result(1)});
  CHECK(f.record("stored").state == RunState::Done);
}

TEST_CASE("a failure is retried afresh until max_attempts, then the run is failed", "[sweep_book]") {
  BookFixture f;
  const auto first = f.book.next_assignment();
  REQUIRE(first);
  const auto checkpoint = run_checkpoint_dir(f.dir.path(), "book", first->run_key);
  std::filesystem::create_directories(checkpoint);
  std::ofstream(checkpoint / "last.pt") << "x";
  f.book.on_failed(FailedMessage{first->run_key, "non-finite loss at epoch 1, batch 2", false});
  CHECK_FALSE(std::filesystem::exists(checkpoint / "last.pt"));  // the retry starts afresh
  CHECK(f.record(first->run_name).state == RunState::Pending);
  const auto second = f.book.next_assignment();
  REQUIRE(second);
  CHECK(second->run_key == first->run_key);
  CHECK_FALSE(second->resume);
  f.book.on_failed(FailedMessage{second->run_key, "non-finite loss at epoch 1, batch 2", false});
  const RunRecord failed = f.record(first->run_name);
  CHECK(failed.state == RunState::Failed);
  CHECK(failed.attempts == 2);
  CHECK(failed.error == "non-finite loss at epoch 1, batch 2");
  CHECK(f.book.failed_runs() == 1);
}

TEST_CASE("an interrupted run goes back to pending without using an attempt", "[sweep_book]") {
  BookFixture f;
  const auto a = f.book.next_assignment();
  REQUIRE(a);
  f.book.on_failed(FailedMessage{a->run_key, "stopped by SIGTERM", true});
  CHECK(f.record(a->run_name).state == RunState::Running);  // until the stop is booked
  f.book.release_in_flight();
  const RunRecord back = f.record(a->run_name);
  CHECK(back.state == RunState::Pending);
  CHECK(back.attempts == 0);
}

TEST_CASE("reports about a run that is not in flight are protocol errors", "[sweep_book]") {
  BookFixture f;
  CHECK_THROWS_AS(f.book.on_epoch(EpochMessage{"0123456789abcdef", bokeh::test::scripted_epoch(1)}), ProtocolError);
  CHECK_THROWS_AS(f.book.on_done(DoneMessage{"0123456789abcdef", bokeh::test::scripted_result(1)}), ProtocolError);
  CHECK_THROWS_AS(f.book.on_failed(FailedMessage{"0123456789abcdef", "x", false}), ProtocolError);
}

TEST_CASE("reopening after a crash recovers running runs, a changed spec is refused unless fresh", "[sweep_book]") {
  BookFixture f;
  const auto a = f.book.next_assignment();
  REQUIRE(a);
  {
    Progress quiet{true, stdout};
    SweepBook alongside{f.store, f.spec, f.dir.path(), quiet};
    alongside.open(f.plan, SweepOptions{});
    CHECK(f.record(a->run_name).state == RunState::Running);  // its process (this one) lives on
    f.book.leave();  // as good as dead to the next start (test_store covers dead pids and silence)
    SweepBook again{f.store, f.spec, f.dir.path(), quiet};
    again.open(f.plan, SweepOptions{});
    CHECK(f.record(a->run_name).state == RunState::Pending);
  }
  std::string text = bokeh::test::kBookSpec;
  text.replace(text.find("seed: 5"), 7, "seed: 6");
  const Spec changed = parse_spec(text, "book.yaml");
  Progress quiet{true, stdout};
  SweepBook refused{f.store, changed, f.dir.path(), quiet};
  CHECK_THROWS_AS(refused.open(plan_runs(changed), SweepOptions{}), SpecChangedError);
  SweepBook fresh{f.store, changed, f.dir.path(), quiet};
  fresh.open(plan_runs(changed), SweepOptions{true, false});
  CHECK(f.store.runs("book").size() == 3);
  for (const RunRecord& r : f.store.runs("book")) CHECK(r.state == RunState::Pending);
}

TEST_CASE("fresh with an unchanged spec keeps the stored runs and says so in one line", "[sweep_book]") {
  BookFixture f;
  const auto a = f.book.next_assignment();
  REQUIRE(a);
  f.book.on_done(DoneMessage{a->run_key, bokeh::test::scripted_result(2)});
  f.book.leave();
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = ::open_memstream(&text, &size);
  {
    Progress progress{false, out};
    SweepBook again{f.store, f.spec, f.dir.path(), progress};
    again.open(f.plan, SweepOptions{true, false});
  }
  std::fclose(out);
  const std::string printed(text, size);
  std::free(text);
  CHECK(printed.find("sweep book: --fresh: the spec is unchanged, so its 3 stored runs are kept and it resumes") !=
        std::string::npos);
  CHECK(f.record(a->run_name).state == RunState::Done);  // nothing discarded
}
