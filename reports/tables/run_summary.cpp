// Reading a run's config and results JSON into a RunSummary; choosing a sweep's best run.
#include "reports/tables/run_summary.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "reports/tables/sweep_lookup.h"

namespace bokeh::reports {
namespace {

using nlohmann::json;

// Value at a dotted path of a nested object, or nullptr when absent or null.
const json* find_path(const json& object, const std::string& path) {
  const json* node = &object;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &(*node)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node->is_null() ? nullptr : node;
}

std::optional<double> optional_number(const json& results, const char* key) {
  const json* v = find_path(results, key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

template <typename T>
T required(const json& config, const std::string& path, const orchestrator::RunRecord& record) {
  const json* v = find_path(config, path);
  if (!v) throw ReportError(fmt::format("run \"{}\" of sweep \"{}\": its config lacks {}", record.name, record.sweep, path));
  try {
    return v->get<T>();
  } catch (const json::exception&) {
    throw ReportError(fmt::format("run \"{}\" of sweep \"{}\": {} has the wrong type ({})", record.name,
                                  record.sweep, path, v->dump()));
  }
}

}  // namespace

RunSummary summarize_run(const orchestrator::RunRecord& record) {
  RunSummary s;
  s.id = record.id;
  s.name = record.name;
  s.key = record.key;
  s.state = record.state;
  s.attempts = record.attempts;
  s.error = record.error;
  s.cost = record.cost;
  s.params = record.params;

  const json config = json::parse(record.config_json, nullptr, /*allow_exceptions=*/false);
  if (!config.is_object()) {
    throw ReportError(fmt::format("run \"{}\" of sweep \"{}\": its config is not a JSON object", record.name, record.sweep));
  }
  s.model.width = required<int64_t>(config, "model.width", record);
  s.model.depth = required<int64_t>(config, "model.depth", record);
  s.model.batch_norm = required<bool>(config, "model.batch_norm", record);
  s.augment = required<bool>(config, "train.augment", record);
  s.lr = required<double>(config, "train.lr", record);
  s.batch_size = required<int64_t>(config, "train.batch_size", record);
  s.epochs = required<int64_t>(config, "train.epochs", record);
  s.weight_decay = required<double>(config, "train.weight_decay", record);
  s.lambda_l1 = required<double>(config, "loss.l1", record);
  s.lambda_ssim = required<double>(config, "loss.ssim", record);
  s.lambda_lpips = required<double>(config, "loss.lpips", record);

  if (record.state != orchestrator::RunState::Done) return s;
  const json results = json::parse(record.results_json, nullptr, /*allow_exceptions=*/false);
  if (!results.is_object()) {
    throw ReportError(fmt::format("run \"{}\" of sweep \"{}\": done, but its results are not a JSON object",
                                  record.name, record.sweep));
  }
  const std::optional<double> runtime_s = optional_number(results, "runtime_seconds");
  s.runtime_min = (runtime_s ? *runtime_s : record.runtime_s) / 60.0;
  s.train_loss = optional_number(results, "train_loss");
  s.val_loss = optional_number(results, "val_loss");
  s.gap = optional_number(results, "gap");
  s.best_val_loss = optional_number(results, "best_val_loss");
  if (const auto e = optional_number(results, "best_epoch")) s.best_epoch = static_cast<int64_t>(*e);
  s.test_l1 = optional_number(results, "test_l1");
  s.test_psnr = optional_number(results, "test_psnr");
  s.test_ssim = optional_number(results, "test_ssim");
  s.test_lpips = optional_number(results, "test_lpips");
  return s;
}

std::vector<RunSummary> summarize_sweep(const orchestrator::Store& store, const std::string& sweep) {
  std::vector<RunSummary> out;
  for (const orchestrator::RunRecord& r : store.runs(sweep)) out.push_back(summarize_run(r));
  if (out.empty()) throw ReportError(fmt::format("sweep \"{}\" has no runs yet", sweep));
  return out;
}

std::optional<double> ranking_loss(const RunSummary& run) {
  return run.best_val_loss ? run.best_val_loss : run.val_loss;
}

const RunSummary* best_run(const std::vector<RunSummary>& runs) {
  const RunSummary* best = nullptr;
  for (const RunSummary& r : runs) {
    if (r.state != orchestrator::RunState::Done || !ranking_loss(r)) continue;
    if (!best || *ranking_loss(r) < *ranking_loss(*best)) best = &r;
  }
  return best;
}

const RunSummary& find_run(const std::vector<RunSummary>& runs, const std::string& name, const std::string& sweep) {
  if (name == "best") {
    if (const RunSummary* best = best_run(runs)) return *best;
    throw ReportError(fmt::format("sweep \"{}\" has no finished run yet, so no best run", sweep));
  }
  std::vector<std::string> names;
  for (const RunSummary& r : runs) {
    if (r.name == name) return r;
    names.push_back(r.name);
  }
  throw ReportError(fmt::format("sweep \"{}\" has no run named \"{}\" (runs: {})", sweep, name, fmt::join(names, ", ")));
}

}  // namespace bokeh::reports
