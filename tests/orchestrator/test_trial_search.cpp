// Sampled searches through the sweep's bookkeeping, with a scripted trainer whose losses follow the
// config: kill and resume give the same trials, decisions and numbers as an uninterrupted sweep
// (random, Sobol and TPE, each with ASHA); TPE's concurrent proposals are distinct; a 10^9-trial spec
// dry-runs and starts in bounded memory; search.budget_epochs stops the sampling; every bad input of
// the search section is one located error and records nothing; TPE on a finite space runs every config.
#include <catch2/catch.hpp>

#include <set>
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/run_settings.h"
#include "orchestrator/plan/dry_run.h"
#include "orchestrator/plan/run_plan.h"
#include "orchestrator/sweep/sweep_book.h"
#include "orchestrator/sweep/sweep_session.h"
#include "sweep_test_spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;
using bokeh::test::TempDir;

namespace {

// The specs' common head (a tiny synthetic sweep "t" of 9-epoch runs), then `search` (its search:
// section and what follows).
std::string spec_with(const std::string& search) {
  return R"(sweep: t
seed: 3
data: {height: 16, width: 16, train_pairs: 4, val_pairs: 2, test_pairs: 2, synthetic: {size: 16}}
base:
  model: {width: 4, depth: 2}
  train: {epochs: 9}
  loss: {lpips: 0}
)" + search;
}

std::string search_spec(const std::string& method, int64_t trials, const std::string& extra = "") {
  return spec_with(fmt::format(R"(search:
  method: {}
{}{}  space:
    train.lr: {{loguniform: [1.0e-4, 1.0e-1]}}
    model.width: {{int: [4, 16]}}
    loss.ssim: {{uniform: [0.5, 2.0]}}
early_stopping: {{method: asha, metric: val_psnr, min_epochs: 1, reduction_factor: 3}}
)",
                               method, trials > 0 ? fmt::format("  trials: {}\n", trials) : std::string(), extra));
}

const auto kPrepare = [](const DataConfig&, const std::filesystem::path& folder) {
  return PreparedDataFile{(folder / "pairs.bin").string(), "stand-in"};
};

// The scripted trainer: validation loss (q / epoch), q lowest at lr 1e-2, ssim 1 and a small width; the
// validation PSNR (the objective: the runs differ in loss.ssim) -10 log10 of it, so it ranks runs alike.
TrainResult scripted(const nlohmann::json& config, int64_t until) {
  const double lr = setting_value(config, "train.lr").get<double>();
  const double ssim = setting_value(config, "loss.ssim").get<double>();
  const double width = setting_value(config, "model.width").get<double>();
  const double q = 0.1 + std::pow(std::log10(lr) + 2, 2) + std::pow(ssim - 1, 2) + 0.01 * width;
  TrainResult r = bokeh::test::scripted_result(until);
  for (auto& e : r.history) {
    e.val_loss = q / static_cast<double>(e.epoch) + 0.01 * e.epoch;
    e.val_psnr = -10 * std::log10(e.val_loss);
  }
  r.val_loss = r.best_val_loss = r.history.back().val_loss;
  return r;
}

struct Session {
  Session(const TempDir& dir, const Spec& s)
      : spec(s), store(dir.file("sweeps.db")), book(store, spec, dir.path(), progress) {
    book.open(plan_runs(spec), SweepOptions{});
    book.prepare_data(kPrepare);
  }
  Spec spec;
  Store store;
  Progress progress{true, stdout};
  SweepBook book;
};

// One assignment trained to its target: "name key until".
std::optional<std::string> step(Session& s) {
  std::optional<AssignMessage> a = s.book.next_assignment();
  if (!a) return std::nullopt;
  const int64_t until = a->until_epoch > 0 ? a->until_epoch : 9;
  s.book.on_done(DoneMessage{a->run_key, scripted(a->config, until)});
  return fmt::format("{} {} {}", a->run_name, a->run_key, until);
}

// What the store holds at the end: every trial row (without its time) and every run's state and results.
std::vector<std::string> stored(const Store& store) {
  std::vector<std::string> out;
  for (const TrialRecord& t : store.trials("t"))
    out.push_back(fmt::format("{} {} {} {}", t.number, t.run_id.value_or(0), t.proposal, t.state_json));
  for (const RunRecord& r : store.runs("t"))
    out.push_back(fmt::format("{} {} {} {}", r.name, to_string(r.state), r.rung, r.results_json));
  return out;
}

}  // namespace

TEST_CASE("kill and resume give the same trials, decisions and numbers as an uninterrupted sweep", "[search][resume]") {
  // "tpe-mo": MO-TPE over val_psnr and params, with MO-ASHA.
  for (const std::string variant : {"random", "sobol", "tpe", "tpe-mo"}) {
    INFO(variant);
    const std::string method = variant == "tpe-mo" ? "tpe" : variant;
    const std::string objectives =
        variant == "tpe-mo" ? "  objectives: [{metric: val_psnr, mode: max}, {metric: params, mode: min}]\n" : "";
    std::string text = search_spec(method, 16, method == "tpe" ? "  n_startup_trials: 4\n" + objectives : "");
    if (!objectives.empty()) text.replace(text.rfind("metric: val_psnr, "), 18, "");  // MO-ASHA: by the objectives
    const Spec spec = parse_spec(text, "t.yaml");
    TempDir whole_dir, killed_dir;
    std::vector<std::string> whole, killed;
    std::vector<std::string> whole_store;
    {
      Session s(whole_dir, spec);
      while (auto st = step(s)) whole.push_back(*st);
      whole_store = stored(s.store);
    }
    {
      Session s(killed_dir, spec);
      for (int i = 0; i < 9; ++i) killed.push_back(*step(s));
      // Claimed, its next epoch reported (a promoted run resumes after the rung it stopped at), then the
      // process dies before its DONE.
      const std::optional<AssignMessage> a = s.book.next_assignment();
      int64_t id = 0;
      for (const RunRecord& r : s.store.runs("t")) id = r.key == a->run_key ? r.id : id;
      const auto next = static_cast<int64_t>(s.store.epochs(id).size()) + 1;
      s.book.on_epoch(EpochMessage{a->run_key, scripted(a->config, next).history.back()});
      s.book.leave();
    }
    {
      Session s(killed_dir, spec);
      for (int i = 0; i < 7; ++i) killed.push_back(*step(s));
      s.book.leave();  // killed again, between steps
    }
    Session s(killed_dir, spec);
    while (auto st = step(s)) killed.push_back(*st);
    CHECK(killed == whole);
    CHECK(stored(s.store) == whole_store);
    CHECK(s.store.trials("t").size() == 16);
    if (method == "tpe") {
      int model = 0;
      for (const TrialRecord& t : s.store.trials("t")) model += t.proposal == "model" ? 1 : 0;
      CHECK(model >= 10);  // all but the 4 startup trials and those drawn before rung 0 held 4 results
    }
  }
}

TEST_CASE("tpe: concurrent requests get distinct proposals, the trials in flight counted as pending", "[search][tpe]") {
  TempDir dir;
  std::string text = search_spec("tpe", 20, "  n_startup_trials: 4\n  metric: val_psnr\n");
  text.erase(text.find("early_stopping:"));  // every trial trains its 9 epochs: the level is epoch 9
  Session s(dir, parse_spec(text, "t.yaml"));
  for (int i = 0; i < 4; ++i) REQUIRE(step(s));  // the four startup trials
  std::vector<std::string> keys;
  for (int worker = 0; worker < 6; ++worker) keys.push_back(s.book.next_assignment()->run_key);
  for (size_t i = 0; i < keys.size(); ++i) {
    for (size_t j = 0; j < i; ++j) CHECK(keys[i] != keys[j]);
  }
  const std::vector<TrialRecord> trials = s.store.trials("t");
  REQUIRE(trials.size() >= 10);
  for (int64_t k = 0; k < 6; ++k) {
    const TrialRecord& t = trials[static_cast<size_t>(trials.size() - 6 + k)];
    INFO(t.state_json);
    CHECK(t.proposal == "model");
    const nlohmann::json state = nlohmann::json::parse(t.state_json);
    CHECK(state.at("level_epoch") == 9);
    CHECK(state.at("observed") == 4);
    CHECK(state.at("pending") == k);  // the requests before it, still in flight
  }
}

TEST_CASE("a 10^9-trial spec dry-runs and starts in bounded memory", "[search][lazy]") {
  const Spec spec = parse_spec(search_spec("random", 1000000000), "t.yaml");
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  const RunPlan plan = plan_runs(spec);
  std::ostringstream out;
  print_dry_run(out, spec, plan, 0);
  const std::string text = out.str();
  INFO(text);
  CHECK(plan.trials.size() == static_cast<size_t>(kPreviewTrials));
  CHECK(text.find("search: random, 1000000000 trials (seed 3)") != std::string::npos);
  CHECK(text.find("the table lists the first 20") != std::string::npos);
  CHECK(text.find("\ntrial-0000000020 ") != std::string::npos);
  CHECK(text.find("\ntrial-0000000021 ") == std::string::npos);
  TempDir dir;
  Session s(dir, spec);
  for (int i = 0; i < 30; ++i) REQUIRE(step(s));
  CHECK(s.store.trials("t").size() <= 30);
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  CHECK(after.ru_maxrss - before.ru_maxrss < 64 * 1024);  // KiB: drawn up front, 10^9 trials would need terabytes
}

TEST_CASE("search.budget_epochs stops the sampling once the sweep has trained that many epochs", "[search][lazy]") {
  TempDir dir;
  const Spec spec = parse_spec(search_spec("sobol", 0, "  budget_epochs: 30\n"), "t.yaml");
  CHECK(spec.search.trials == 0);
  Session s(dir, spec);
  int64_t epochs = 0, steps = 0;
  while (auto st = step(s)) {
    epochs += std::stoll(st->substr(st->rfind(' ') + 1));
    REQUIRE(++steps < 200);  // the budget ends the sampling
  }
  CHECK(epochs >= 30);
  CHECK(s.store.trained_epochs("t") >= 30);
  // The last trial was drawn while fewer than 30 epochs were trained; what follows is ASHA finishing the
  // promotions it has due (a few rung-1 and one full run), not more trials.
  CHECK(s.store.trials("t").size() < 30);
  CHECK(s.store.trained_epochs("t") < 30 + 9 * 3);
}

TEST_CASE("bad search input is one located error, exit 2, and nothing recorded", "[search][errors]") {
  struct Bad {
    std::string text, key, words;
    int line;
  };
  const std::string base = search_spec("tpe", 10);
  const auto replace = [](std::string t, const std::string& from, const std::string& to) {
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  const std::vector<Bad> cases = {
      {replace(base, "method: tpe", "method: bayes"), "search.method", "random, sobol, tpe", 9},
      {replace(base, "  trials: 10\n", "  trials: 10\n  n_startup_trials: 0\n"), "search.n_startup_trials", ">= 1", 11},
      {replace(base, "  trials: 10\n", "  trials: 10\n  budget_epochs: 5\n"), "search.budget_epochs", "trains 9 epochs",
       11},
      {replace(replace(base, "method: tpe", "method: sobol"), "  trials: 10\n",
               "  n_startup_trials: 3\n  trials: 10\n"),
       "search.n_startup_trials", "tpe only", 10},
      {replace(
           base,
           "    train.lr: {loguniform: [1.0e-4, 1.0e-1]}\n    model.width: {int: [4, 16]}\n    loss.ssim: {uniform: "
           "[0.5, 2.0]}\n",
           "    train.lr: {choice: [1.0e-3]}\n    model.width: {choice: [8]}\n"),
       "search.space", "single point", 11},
  };
  for (const Bad& bad : cases) {
    INFO(bad.text);
    TempDir dir;
    SweepCommand command;
    command.spec_path = bokeh::test::write_spec(dir, bad.text, "bad.yaml");
    command.db_path = dir.file("sweeps.db");
    command.quiet = true;
    try {
      SweepSession session(command, kPrepare);
      FAIL("accepted");
    } catch (const SpecError& e) {
      INFO(e.what());
      CHECK(e.where().key == bad.key);
      CHECK(e.where().line == bad.line);
      CHECK(e.where().source == command.spec_path);
      CHECK(std::string(e.what()).find(bad.words) != std::string::npos);
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(command.db_path));
  }
}

TEST_CASE("tpe on a small discrete space: a model proposal takes the model's best config the sweep does not have",
          "[search][tpe]") {
  TempDir dir;
  // 3 x 3 x 2 = 18 configurations, 12 trials: the model's favourite soon repeats.
  const Spec spec = parse_spec(spec_with(R"(search:
  method: tpe
  trials: 12
  n_startup_trials: 4
  space:
    train.lr: {choice: [1.0e-3, 1.0e-2, 1.0e-1]}
    model.width: {choice: [4, 8, 16]}
    loss.ssim: {choice: [1.0, 2.0]}
early_stopping: {method: asha, metric: val_psnr, min_epochs: 1, reduction_factor: 3}
)"),
                               "t.yaml");
  Session s(dir, spec);
  for (int steps = 0; step(s); ++steps) REQUIRE(steps < 200);
  std::set<std::string> configs;
  int explored = 0, modelled = 0, repeats = 0, skipping = 0;
  for (const TrialRecord& t : s.store.trials("t")) {
    if (!t.run_id) {  // a draw that repeated a config: stored with its state, no run, not counted
      ++repeats;
      continue;
    }
    configs.insert(s.store.run(*t.run_id).config_json);
    explored += t.proposal == "explore";
    modelled += t.proposal == "model";
    skipping += nlohmann::json::parse(t.state_json).contains("skipped");
  }
  CHECK(s.store.runs("t").size() == 12);  // search.trials runs: none lost to a repeat
  CHECK(configs.size() == 12);
  CHECK(skipping > 0);   // the model's best candidate did repeat a config on this space ...
  CHECK(repeats == 0);   // ... and a lower-ranked candidate the sweep lacked was taken each time,
  CHECK(explored == 0);  // so no draw was refused and none fell back to exploring
  CHECK(modelled == 8);  // every trial after the 4 startup ones came from the model
}

TEST_CASE(
    "the progress count of a search is what the store holds: open-ended while a budget may add trials, exact "
    "once the search is over",
    "[search][progress]") {
  SECTION("a search bounded by its epoch budget alone") {
    TempDir dir;
    Session s(dir, parse_spec(search_spec("sobol", 0, "  budget_epochs: 30\n"), "t.yaml"));
    CHECK(s.progress.summary() == "done 0/0+");
    REQUIRE(step(s));
    CHECK_THAT(s.progress.summary(), Catch::StartsWith("done 1/1+"));  // the first trial, stopped at rung 0
    while (step(s)) {
    }
    s.book.recount_progress();  // as the sweep's last line does
    const std::vector<RunRecord> runs = s.store.runs("t");
    const auto stopped =
        std::count_if(runs.begin(), runs.end(), [](const RunRecord& r) { return r.state == RunState::Stopped; });
    REQUIRE(stopped > 0);
    CHECK(s.progress.summary() == fmt::format("done {}/{} ({} stopped early)", runs.size(), runs.size(), stopped));
  }
  SECTION("10^9 trials on a space of two configurations") {
    TempDir dir;
    Session s(dir, parse_spec(spec_with(R"(search:
  method: random
  trials: 1000000000
  space:
    train.lr: {choice: [1.0e-3, 1.0e-2]}
)"),
                              "t.yaml"));
    CHECK(s.progress.summary() == "done 0/1000000000");
    while (step(s)) {
    }
    CHECK(s.store.runs("t").size() == 2);
    CHECK(s.progress.summary() == "done 2/2");  // the space is exhausted: no ETA for trials that cannot come
  }
}

TEST_CASE("tpe on a finite space runs every config before the search counts it exhausted, and resumes the same",
          "[search][tpe][explore]") {
  // n x n choices, trials: n * n, 2 startup trials: before explore walked the stream on its own, model
  // and explore draws alternated and explore took every other Sobol index only, so the 3 x 3 sweep
  // stopped after 7 configs and the 2 x 2 one after 3.
  for (const int n : {3, 2}) {
    INFO(n);
    const std::vector<std::string> lr = {"1.0e-3", "1.0e-2", "1.0e-1"}, width = {"4", "8", "16"};
    const auto first = [&](const std::vector<std::string>& values) {  // the first n, as a YAML list's items
      std::string out = values[0];
      for (int i = 1; i < n; ++i) out += ", " + values[static_cast<size_t>(i)];
      return out;
    };
    const Spec spec = parse_spec(spec_with(fmt::format(R"(search:
  method: tpe
  trials: {}
  n_startup_trials: 2
  space:
    train.lr: {{choice: [{}]}}
    model.width: {{choice: [{}]}}
)",
                                                       n * n, first(lr), first(width))),
                                 "t.yaml");
    TempDir whole_dir, killed_dir;
    std::vector<std::string> whole_store;
    {
      Session s(whole_dir, spec);
      for (int steps = 0; step(s); ++steps) REQUIRE(steps < 100);
      std::set<std::string> configs;
      for (const RunRecord& r : s.store.runs("t")) configs.insert(r.config_json);
      CHECK(configs.size() == static_cast<size_t>(n * n));  // every config ran, each once
      whole_store = stored(s.store);
      // The model skipped candidates the sweep had, so the resumed sweep below must skip the same ones.
      CHECK(std::any_of(whole_store.begin(), whole_store.end(),
                        [](const std::string& row) { return row.find("\"skipped\"") != std::string::npos; }));
    }
    {
      Session s(killed_dir, spec);
      for (int i = 0; i < n * n - 2; ++i) REQUIRE(step(s));
      s.book.leave();  // killed between steps
    }
    Session s(killed_dir, spec);
    while (step(s)) {
    }
    CHECK(stored(s.store) == whole_store);  // the resumed sweep drew the same trials
  }
}
