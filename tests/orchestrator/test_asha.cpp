// ASHA early stopping on a temporary store, without MPI or a worker: a hand-worked sweep of seven
// runs (rungs at epochs 1 and 3 of 9, η = 3) with every decision checked, a stopped run promoted
// later, the same decisions after a kill mid-rung and reopening, and the rung math.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "common/asha_rungs.h"
#include "orchestrator/search/asha_rule.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/sweep/sweep_book.h"
#include "sweep_test_spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;
using bokeh::test::TempDir;

namespace {

// Seven runs of equal cost (only the rate differs), claimed in spec order at equal rungs.
constexpr const char* kAshaSpec = R"(sweep: asha
data: {height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {size: 16}}
base:
  model: {width: 4, depth: 2}
  train: {epochs: 9}
  loss: {lpips: 0}
early_stopping: {method: asha, metric: val_loss, min_epochs: 1, reduction_factor: 3}
runs:
  - {name: r1, train.lr: 1.0e-3}
  - {name: r2, train.lr: 2.0e-3}
  - {name: r3, train.lr: 3.0e-3}
  - {name: r4, train.lr: 4.0e-3}
  - {name: r5, train.lr: 5.0e-3}
  - {name: r6, train.lr: 6.0e-3}
  - {name: r7, train.lr: 7.0e-3}
)";

// Each run's validation loss is quality / epoch: the ranking at every rung follows `quality`.
const std::map<std::string, double> kQuality = {{"r1", 0.5}, {"r2", 0.4},  {"r3", 0.6}, {"r4", 0.7},
                                                {"r5", 0.2}, {"r6", 0.45}, {"r7", 0.1}};

TrainResult result_until(const std::string& run, int64_t epochs) {
  TrainResult r = bokeh::test::scripted_result(epochs);
  for (auto& e : r.history) {
    e.val_loss = kQuality.at(run) / static_cast<double>(e.epoch);
    e.val_psnr = 10 - e.val_loss;  // higher is better: it ranks the runs as the loss does
  }
  r.val_loss = r.best_val_loss = r.history.back().val_loss;
  return r;
}

// A sweep's book on a store in `dir`; a second Session on the same folder is the sweep started again.
struct Session {
  Session(const TempDir& dir, const std::string& spec_path)
      : spec(load_spec(spec_path)), store(dir.file("sweeps.db")), book(store, spec, dir.path(), progress) {
    book.open(plan_runs(spec), SweepOptions{});
    book.prepare_data([](const DataConfig&, const std::filesystem::path& folder) {
      return PreparedDataFile{(folder / "pairs.bin").string(), "stand-in"};
    });
  }
  Spec spec;
  Store store;
  Progress progress{true, stdout};
  SweepBook book;
};

// One step of a one-worker sweep: the assignment's run, until_epoch and resume flag.
struct Step {
  std::string run;
  int64_t until_epoch;
  bool resume;
  bool operator==(const Step& o) const { return run == o.run && until_epoch == o.until_epoch && resume == o.resume; }
};

// Trains the next assignment "to the end" (writing a last.pt as the trainer would); nullopt when none is left.
std::optional<Step> step(Session& s, bool report = true) {
  std::optional<AssignMessage> a = s.book.next_assignment();
  if (!a) return std::nullopt;
  const int64_t until = a->until_epoch > 0 ? a->until_epoch : 9;
  if (report) {
    std::filesystem::create_directories(a->checkpoint_dir);
    std::ofstream(std::filesystem::path(a->checkpoint_dir) / "last.pt") << "epoch " << until;
    s.book.on_done(DoneMessage{a->run_key, result_until(a->run_name, until)});
  }
  return Step{a->run_name, a->until_epoch, a->resume};
}

std::map<std::string, std::string> final_states(const Store& store) {
  std::map<std::string, std::string> out;
  for (const RunRecord& r : store.runs("asha")) out[r.name] = fmt::format("{} {}", to_string(r.state), r.rung);
  return out;
}

// The decisions worked out by hand (see the comments), in order.
const std::vector<Step> kSteps = {
    {"r1", 1, false},  // rung 0 holds r1: the best 0 of 1 go on -> stopped
    {"r2", 1, false},  // 2 recorded, 0 go on -> stopped
    {"r3", 1, false},  // 3 recorded, the best 1 goes on: r2 (0.4), stopped -> promoted; r3 stopped
    {"r2", 3, true},   // promoted from its last.pt to rung 1 (epoch 3): alone there -> stopped
    {"r4", 1, false},  // 4 recorded, best 1 = r2, already promoted -> r4 stopped
    {"r5", 1, false},  // 5 recorded, best 1 = r5 (0.2) -> goes on
    {"r5", 3, true},   // rung 1: r5 and r2, 0 go on -> stopped
    {"r6", 1, false},  // 6 recorded, best 2 = r5, r2 (both promoted) -> r6 stopped
    {"r7", 1, false},  // 7 recorded, best 2 = r7, r5 -> r7 goes on
    {"r7", 3, true},   // rung 1: r7, r5, r2: the best 1 = r7 -> goes on to its last epoch
    {"r7", 0, true},   // trains to epoch 9: done
};
const std::map<std::string, std::string> kFinal = {{"r1", "stopped 0"}, {"r2", "stopped 1"}, {"r3", "stopped 0"},
                                                   {"r4", "stopped 0"}, {"r5", "stopped 1"}, {"r6", "stopped 0"},
                                                   {"r7", "done 2"}};

}  // namespace

TEST_CASE("rungs lie at min_epochs * eta^k below the last epoch", "[asha]") {
  CHECK(asha_rung_epochs(1, 3, 9) == std::vector<int64_t>{1, 3});
  CHECK(asha_rung_epochs(1, 3, 10) == std::vector<int64_t>{1, 3, 9});
  CHECK(asha_rung_epochs(2, 2, 16) == std::vector<int64_t>{2, 4, 8});
  CHECK(asha_rung_epochs(4, 3, 4).empty());
  CHECK(asha_rung_epoch(1, 3, 2) == 9);
}

TEST_CASE("asha: a hand-worked sweep stops, goes on and promotes a stopped run later", "[asha]") {
  TempDir dir;
  const std::string spec_path = bokeh::test::write_spec(dir, kAshaSpec, "asha.yaml");
  Session s(dir, spec_path);
  std::vector<Step> steps;
  while (std::optional<Step> st = step(s)) steps.push_back(*st);
  CHECK(steps == kSteps);
  CHECK(final_states(s.store) == kFinal);
  CHECK(s.book.unfinished_runs() == 0);  // stopped runs are finished business for the exit status

  // Every decision is an event that explains it.
  std::vector<std::string> decisions;
  for (const EventRecord& e : s.store.events("asha")) {
    if (e.kind == "stop" || e.kind == "promote") decisions.push_back(e.kind);
  }
  CHECK(decisions == std::vector<std::string>{"stop", "stop", "stop", "promote", "stop", "stop", "promote", "stop",
                                              "stop", "promote", "promote"});
  bool explained = false;
  for (const EventRecord& e : s.store.events("asha")) {
    explained = explained || e.message ==
                                 "promoted: rung 0 (epoch 1): val_loss 0.4, 1st of 3 recorded there; the "
                                 "best 1 go on (1/3)";
  }
  CHECK(explained);
  // The stopped runs keep their results so far; the epochs trained are 7 + 2 + 2 + 2 + 6 of 63.
  int64_t epochs = 0;
  for (const RunRecord& r : s.store.runs("asha")) {
    epochs += static_cast<int64_t>(s.store.epochs(r.id).size());
    if (r.state == RunState::Stopped) CHECK_FALSE(r.results_json.empty());
  }
  CHECK(epochs == 1 + 3 + 1 + 1 + 3 + 1 + 9);  // rows: epochs reached per run (r1, r2, r3, r4, r5, r6, r7)
}

TEST_CASE("asha: a sweep killed mid-rung and reopened takes the same decisions", "[asha]") {
  TempDir dir;
  const std::string spec_path = bokeh::test::write_spec(dir, kAshaSpec, "asha.yaml");
  std::vector<Step> steps;
  {
    Session s(dir, spec_path);
    for (int i = 0; i < 2; ++i) steps.push_back(*step(s));
    // r3 is claimed and reports its epoch 1 (rung 0), then the process dies before its DONE.
    std::optional<AssignMessage> a = s.book.next_assignment();
    REQUIRE(a->run_name == "r3");
    s.book.on_epoch(EpochMessage{a->run_key, result_until("r3", 1).history[0]});
    s.book.leave();  // as good as dead to the next start (test_store covers dead pids and silence)
  }
  {
    Session s(dir, spec_path);  // r3 goes back to pending at rung 0; nothing was promoted on its epoch row
    CHECK(final_states(s.store).at("r2") == "stopped 0");
    for (int i = 0; i < 4; ++i) steps.push_back(*step(s));
    // Killed again, this time between steps.
    s.book.leave();
  }
  Session s(dir, spec_path);
  while (std::optional<Step> st = step(s)) steps.push_back(*st);
  REQUIRE(steps.size() == kSteps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    INFO("step " << i);
    CHECK(steps[i].run == kSteps[i].run);
    CHECK(steps[i].until_epoch == kSteps[i].until_epoch);
  }
  CHECK(final_states(s.store) == kFinal);
}

TEST_CASE("asha: a stop recorded before a kill gets its due promotion when the sweep reopens", "[asha]") {
  TempDir dir;
  const std::string spec_path = bokeh::test::write_spec(dir, kAshaSpec, "asha.yaml");
  {
    Session s(dir, spec_path);
    for (int i = 0; i < 2; ++i) step(s);
    // r3 reaches rung 0 and is stopped, but the process dies before r2's promotion: as if the store
    // had been written by hand.
    std::optional<AssignMessage> a = s.book.next_assignment();
    for (const auto& e : result_until("r3", 1).history) s.book.on_epoch(EpochMessage{a->run_key, e});
    const RunRecord r3 = s.store.runs("asha")[2];
    s.store.pause_run(r3.id, "{}", "stopped by hand");
    s.book.leave();
  }
  Session s(dir, spec_path);
  CHECK(final_states(s.store).at("r2") == "pending 1");
  CHECK(final_states(s.store).at("r3") == "stopped 0");
  CHECK(*step(s) == Step{"r2", 3, true});
}

TEST_CASE("asha: with nothing left to run, the best run of the furthest rung goes on to its last epoch", "[asha]") {
  TempDir dir;
  std::string three = kAshaSpec;
  three.erase(three.find("  - {name: r4"));  // r1, r2, r3 only: rung 1 never holds the 3 runs it needs
  Session s(dir, bokeh::test::write_spec(dir, three, "asha.yaml"));
  std::vector<Step> steps;
  while (std::optional<Step> st = step(s)) steps.push_back(*st);
  // r1, r2 stopped at rung 0; r3 recorded: r2 (0.4) promoted, r3 stopped; r2 alone at rung 1: stopped;
  // then nothing is left, so r2, the best at rung 1, goes on to epoch 9.
  CHECK(steps ==
        std::vector<Step>{{"r1", 1, false}, {"r2", 1, false}, {"r3", 1, false}, {"r2", 3, true}, {"r2", 0, true}});
  CHECK(final_states(s.store) ==
        std::map<std::string, std::string>{{"r1", "stopped 0"}, {"r2", "done 2"}, {"r3", "stopped 0"}});
  int drained = 0;
  for (const EventRecord& e : s.store.events("asha"))
    drained += e.kind == "promote" && e.message.find("promoted as the best of the furthest rung") == 0 ? 1 : 0;
  CHECK(drained == 1);
}

TEST_CASE("asha on a higher-is-better objective goes on with the highest: the hand-worked decisions on val_psnr",
          "[asha][objective]") {
  TempDir dir;
  std::string spec = kAshaSpec;
  spec.replace(spec.find("metric: val_loss"), 16, "metric: val_psnr");
  Session s(dir, bokeh::test::write_spec(dir, spec, "asha.yaml"));
  std::vector<Step> steps;
  while (std::optional<Step> st = step(s)) steps.push_back(*st);
  CHECK(steps == kSteps);  // val_psnr = 10 - val_loss: the highest PSNR is the lowest loss
  CHECK(final_states(s.store) == kFinal);
  bool explained = false;
  for (const EventRecord& e : s.store.events("asha")) {
    explained = explained || e.message ==
                                 "promoted: rung 0 (epoch 1): val_psnr 9.6, 1st of 3 recorded there; the "
                                 "best 1 go on (1/3)";
  }
  CHECK(explained);
}
