// The dry-run table of a sweep's planned runs.
#include "orchestrator/plan/dry_run.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "common/asha_rungs.h"
#include "common/model_arch.h"
#include "common/run_settings.h"
#include "orchestrator/plan/gpu_mapping.h"

namespace bokeh::orchestrator {
namespace {

using nlohmann::json;

// Settings with a column of their own; any other that differs from its default goes to "other".
const std::vector<std::string> kColumns = {"model.width",      "model.depth",    "model.batch_norm", "train.lr",
                                           "train.batch_size", "train.epochs",   "loss.l1",          "loss.ssim",
                                           "loss.lpips",       "train.precision"};

std::string others(const json& config) {
  std::vector<std::string> parts;
  for (const common::Setting& s : common::run_settings()) {
    if (std::find(kColumns.begin(), kColumns.end(), s.path) != kColumns.end()) continue;
    const json& v = common::setting_value(config, s.path);
    if (v != s.default_value) parts.push_back(s.path + "=" + common::format_setting_value(v));
  }
  return fmt::format("{}", fmt::join(parts, " "));
}

std::string describe(const SearchDimension& d) {
  if (d.distribution == Distribution::Choice) {
    std::vector<std::string> values;
    for (const json& v : d.choices) values.push_back(common::format_setting_value(v));
    return fmt::format("{} choice [{}]", d.path, fmt::join(values, ", "));
  }
  return fmt::format("{} {}{} [{}, {}]", d.path, distribution_name(d.distribution), d.log ? " log" : "",
                     common::format_setting_value(d.low), common::format_setting_value(d.high));
}

// The search and early-stopping lines above the table.
void print_search(std::ostream& out, const Spec& spec, const RunPlan& plan) {
  const SearchSpace& s = spec.search;
  if (s.method != SearchMethod::None) {
    std::vector<std::string> dims;
    for (const SearchDimension& d : s.dimensions) dims.push_back(describe(d));
    const std::string count = s.trials > 0 ? fmt::format("{} trials", s.trials) : std::string("open-ended trials");
    std::string extra;
    if (s.method == SearchMethod::Tpe) extra += fmt::format(", {} startup", s.n_startup_trials);
    if (s.budget_epochs > 0) extra += fmt::format(", budget {} epochs", s.budget_epochs);
    out << fmt::format("search: {}, {} (seed {}{}): {}\n", to_string(s.method), count, s.seed, extra,
                       fmt::join(dims, "; "));
    const auto listed = static_cast<int64_t>(plan.trials.size());
    if (s.trials == 0 || listed < s.trials) {
      out << fmt::format(
          "trials are drawn as workers ask for them; the table lists the first {}{}\n", listed,
          s.method == SearchMethod::Tpe ? " (its quasi-random startup; the model proposes the rest from results)" : "");
    }
  }
  const EarlyStopping& es = spec.early_stopping;
  if (s.method != SearchMethod::None || es.method != StoppingMethod::None || spec.select) {
    const common::Objective searched = search_objective(spec), chosen = selection_objective(spec);
    if (s.objectives.empty()) {
      out << fmt::format("objective: {} ({} is better); tables choose their best runs by {} at each run's best epoch\n",
                         searched.metric, searched.higher_is_better ? "higher" : "lower", chosen.metric);
    } else {
      std::vector<std::string> named;
      for (const common::Objective& o : s.objectives)
        named.push_back(fmt::format("{} ({} is better)", o.metric, o.higher_is_better ? "higher" : "lower"));
      out << fmt::format(
          "objectives: {}, their Pareto front searched; tables choose their best runs by {} at each "
          "run's best epoch\n",
          fmt::join(named, ", "), chosen.metric);
    }
  }
  std::vector<std::string> ranked_by;
  for (const common::Objective& o : es.objectives) ranked_by.push_back(o.metric);
  const std::string ranks =
      es.objectives.empty() ? es.metric.metric : fmt::format("the fronts of {}", fmt::join(ranked_by, ", "));
  if (es.method == StoppingMethod::None) return;
  int64_t most = 0;
  for (const std::vector<PlannedRun>* runs : {&plan.runs, &plan.trials}) {
    for (const PlannedRun& r : *runs)
      most = std::max(most, common::setting_value(r.config, "train.epochs").get<int64_t>());
  }
  out << fmt::format(
      "early stopping: {} on {}, reduction factor {}, rungs at epochs [{}] (of up to {}); the costs "
      "below are for training every run to its last epoch\n",
      to_string(es.method), ranks, es.reduction_factor,
      fmt::join(common::asha_rung_epochs(es.min_epochs, es.reduction_factor, most), ", "), most);
}

}  // namespace

void print_dry_run(std::ostream& out, const Spec& spec, const RunPlan& plan, int gpus) {
  const common::DataConfig& d = spec.data;
  std::vector<PlannedRun> listed = plan.runs;
  listed.insert(listed.end(), plan.trials.begin(), plan.trials.end());
  const std::string trials = spec.search.method == SearchMethod::None ? std::string()
                             : spec.search.trials > 0 ? fmt::format(" + {} sampled trials", spec.search.trials)
                                                      : std::string(" + open-ended sampled trials");
  out << fmt::format("sweep \"{}\" ({}): {} run{}{}{}, tables [{}], seed {}\n", spec.name, spec.file, plan.runs.size(),
                     plan.runs.size() == 1 ? "" : "s", trials,
                     plan.duplicates.empty() ? ""
                                             : fmt::format(" ({} duplicate{} removed)", plan.duplicates.size(),
                                                           plan.duplicates.size() == 1 ? "" : "s"),
                     fmt::join(spec.tables, ", "), spec.seed);
  out << fmt::format("data: {}{} at {}x{}, {} train / {} val / {} test pairs\n", d.source,
                     d.source == "ebb" ? " " + d.root : "", d.height, d.width, d.train_pairs, d.val_pairs,
                     d.test_pairs);
  const Resources& res = spec.resources;
  out << fmt::format("resources: device {}, threads {}, ranks_per_run {}, runs_per_gpu {}, max_attempts {}\n",
                     res.device, res.threads == 0 ? std::string("auto") : std::to_string(res.threads),
                     res.ranks_per_run, res.runs_per_gpu, res.max_attempts);
  out << describe_gpu_mapping(res, gpus) << "\n";
  out << "precision: auto = bf16 on GPUs with bf16 tensor cores (compute capability 8.0+), fp32 on the CPU; "
         "loss and metrics in fp32\n";
  for (const std::string& o : spec.overrides) out << "override: --set " << o << "\n";
  print_search(out, spec, plan);

  // With repeats, one row per configuration (its first repeat's name and key) with its K and its cost
  // times K; without, one row per run, as before repeats existed.
  bool repeated = false;
  for (const PlannedRun& r : plan.runs) repeated = repeated || r.repeats > 1;
  std::vector<const PlannedRun*> rows;
  double total = 0;
  size_t name_width = 4;
  for (const PlannedRun& r : listed) {
    total += r.cost_flops;
    if (r.repeat > 0) continue;
    rows.push_back(&r);
    name_width = std::max(name_width, r.name.size());
  }
  const double unit = total >= 1e15 ? 1e15 : total >= 1e12 ? 1e12 : 1e9;
  const char* unit_name = unit == 1e15 ? "PFLOP" : unit == 1e12 ? "TFLOP" : "GFLOP";
  if (repeated) {
    out << fmt::format(
        "repeats: {} configurations, {} runs in all (each configuration trained with K seeds: its "
        "first run's seed + 0..K-1, same data split); cost = one run's x K\n",
        rows.size(), plan.runs.size());
  }
  const std::string k_header = repeated ? fmt::format("  {:>2}", "K") : "";

  out << fmt::format("{:<{}}  {:<16}  {:>5}  {:>5}  {:>3}  {:>8}  {:>5}  {:>6}  {:<18}  {:<9}  {:>8}{}  {:>11}  {}\n",
                     "name", name_width, "key", "width", "depth", "bn", "lr", "batch", "epochs", "loss l1/ssim/lpips",
                     "precision", "params M", k_header, fmt::format("cost {}", unit_name), "other");
  for (const PlannedRun* r : rows) {
    // A model setting the run's arch is not built from (PyNET has no depth or batch norm) shows "–".
    const std::string arch = common::setting_value(r->config, "model.arch").get<std::string>();
    const std::vector<std::string> built_from = common::model_facts(arch).settings();
    const auto f = [&](const std::string& path) -> std::string {
      if (path.starts_with("model.") && std::find(built_from.begin(), built_from.end(), path) == built_from.end())
        return "–";
      return common::format_setting_value(common::setting_value(r->config, path));
    };
    const std::string bn = f("model.batch_norm");
    const std::string k = repeated ? fmt::format("  {:>2}", r->repeats) : "";
    out << fmt::format(
        "{:<{}}  {:<16}  {:>5}  {:>5}  {:>3}  {:>8}  {:>5}  {:>6}  {:<18}  {:<9}  {:>8.2f}{}  {:>11.2f}  {}\n", r->name,
        name_width, r->key, f("model.width"), f("model.depth"),
        bn == "true"    ? "yes"
        : bn == "false" ? "no"
                        : bn,
        f("train.lr"), f("train.batch_size"), f("train.epochs"),
        f("loss.l1") + "/" + f("loss.ssim") + "/" + f("loss.lpips"), f("train.precision"), r->params / 1e6, k,
        r->cost_flops * r->repeats / unit, others(r->config));
  }
  out << fmt::format("{:<{}}  {:>{}.2f}\n", listed.size() > plan.runs.size() ? "listed" : "total", name_width,
                     total / unit, 16 + 5 + 5 + 3 + 8 + 5 + 6 + 18 + 9 + 8 + 11 + 2 * 10 + k_header.size());
  for (const DuplicateRun& dup : plan.duplicates) {
    out << fmt::format("duplicate: \"{}\" ({}:{}) is the same run as \"{}\"; it runs once\n", dup.name,
                       dup.where.source, dup.where.line, dup.same_as);
  }
}

json dry_run_json(const Spec& spec, const RunPlan& plan) {
  const common::DataConfig& d = spec.data;
  json runs = json::array();
  double total = 0;
  for (const std::vector<PlannedRun>* list : {&plan.runs, &plan.trials}) {
    for (const PlannedRun& r : *list) {
      const common::ModelConfig model = common::train_config_from_json(r.config).model;
      const common::ModelFacts& facts = common::model_facts(model);
      json parts = json::array();
      for (const common::ModelPart& part : facts.parameter_parts(model))
        parts.push_back({{"part", part.name}, {"params", part.parameters}});
      runs.push_back({{"name", r.name},
                      {"key", r.key},
                      {"arch", model.arch},
                      {"config", r.config},
                      {"params", r.params},
                      {"params_by_part", parts},
                      {"forward_flops", facts.forward_flops(model, d.height, d.width)},
                      {"train_flops", r.cost_flops},
                      {"epochs", r.epochs},
                      {"seed", r.seed},
                      {"trial", r.trial},
                      {"repeat", r.repeat},
                      {"repeats", r.repeats}});
      total += r.cost_flops;
    }
  }
  json duplicates = json::array();
  for (const DuplicateRun& dup : plan.duplicates) duplicates.push_back({{"name", dup.name}, {"same_as", dup.same_as}});
  return {{"sweep", spec.name},
          {"file", spec.file},
          {"seed", spec.seed},
          {"data",
           {{"source", d.source},
            {"height", d.height},
            {"width", d.width},
            {"train_pairs", d.train_pairs},
            {"val_pairs", d.val_pairs},
            {"test_pairs", d.test_pairs}}},
          {"runs", runs},
          {"train_flops", total},
          {"duplicates", duplicates}};
}

}  // namespace bokeh::orchestrator
