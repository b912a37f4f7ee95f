// Conditions and reading footnotes of the report tables (table_notes.h).
#include "reports/tables/table_notes.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <iterator>

#include "common/train_result.h"

namespace bokeh::reports {
namespace {

std::string source_text(const common::DataConfig& d) {
  if (d.source == "ebb")
    return fmt::format("EBB! ({}{})", d.root, d.test_root.empty() ? "" : "; test pairs from " + d.test_root);
  if (d.source == "synthetic")
    return fmt::format("synthetic (the built-in renderer: {} pairs of {}x{})", d.synthetic.count, d.synthetic.size,
                       d.synthetic.size);
  return d.source.empty() ? "?" : d.source;
}

// The stored spec's data; "?" for each part of it when it could not be read.
std::string data_text(const std::optional<common::DataConfig>& data) {
  const auto count = [&](int64_t common::DataConfig::*field) {
    return data ? fmt::format("{}", (*data).*field) : std::string("?");
  };
  const std::string source = data ? source_text(*data) : "?";
  return fmt::format(
      "data {}, {} train / {} validation / {} test pairs, each resized once to {}x{} (height x width, "
      "centre-cropped to that aspect first)",
      source, count(&common::DataConfig::train_pairs), count(&common::DataConfig::val_pairs),
      count(&common::DataConfig::test_pairs), count(&common::DataConfig::height), count(&common::DataConfig::width));
}

// One setting across the shown runs: the most common value alone, every other one "for" its runs.
std::string per_run(const std::vector<const RunSummary*>& shown,
                    const std::function<std::string(const RunSummary&)>& value) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // value -> runs, in order of appearance
  for (const RunSummary* r : shown) {
    const std::string v = value(*r);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == v; });
    if (it == groups.end()) groups.push_back({v, {}}), it = groups.end() - 1;
    it->second.push_back(r->name);
  }
  if (groups.empty()) return "?";
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  std::string out = groups[0].first;
  for (size_t i = 1; i < groups.size(); ++i)
    out += fmt::format("; {} for {}", groups[i].first, fmt::join(groups[i].second, ", "));
  return out;
}

}  // namespace

std::string conditions_note(const std::optional<common::DataConfig>& data,
                            const std::vector<const RunSummary*>& shown) {
  const std::string optimizer = per_run(shown, [](const RunSummary& r) {
    return r.weight_decay > 0 ? fmt::format("AdamW (weight decay {})", r.weight_decay) : std::string("Adam");
  });
  const std::string schedule = per_run(shown, [](const RunSummary& r) {
    return r.scheduler.enabled ? fmt::format("ReduceLROnPlateau on the validation loss (factor {}, patience {})",
                                             r.scheduler.factor, r.scheduler.patience)
                               : std::string("constant");
  });
  // Mixed precision covers the U-Net's forward pass only; loss, optimizer state and metrics stay fp32.
  // Of the runs with results: a run not trained yet has no precision but its setting (auto).
  std::vector<const RunSummary*> trained;
  std::copy_if(shown.begin(), shown.end(), std::back_inserter(trained),
               [](const RunSummary* r) { return run_figure(*r, "runtime_min").has_value(); });
  const std::string precision =
      trained.empty() ? "– (no run has results yet)" : per_run(trained, [](const RunSummary& r) {
        return r.precision == "fp32" ? r.precision : r.precision + " autocast (loss and metrics in fp32)";
      });
  const std::string libtorch = trained.empty() ? "–" : per_run(trained, [](const RunSummary& r) {
    return r.libtorch.empty() ? std::string("not recorded (results older than the field)") : r.libtorch;
  });
  // Where the inference figures were measured, only when a shown run has them.
  std::vector<const RunSummary*> timed;
  std::copy_if(shown.begin(), shown.end(), std::back_inserter(timed),
               [](const RunSummary* r) { return !r->inference_device.empty(); });
  const std::string inference =
      timed.empty() ? ""
                    : fmt::format(
                          "; inference: the best weights on one {}x{} photo (batch 1, fp32), median of timed "
                          "passes after a warm-up, peak memory of the tensors they allocate, on {}",
                          common::kInferenceHeight, common::kInferenceWidth,
                          per_run(timed, [](const RunSummary& r) { return r.inference_device; }));
  return fmt::format(
      "Conditions: {}; optimizer {}; learning rate {}; precision {}; libtorch {}{}; SSIM with a Gaussian "
      "window (σ 1.5, 11 taps), data range 1; PSNR per image, then averaged; LPIPS alex v0.1, – without "
      "its weights.",
      data_text(data), optimizer, schedule, precision, libtorch, inference);
}

void mark_readings(Table& table, const std::vector<const RunSummary*>& shown,
                   const std::map<std::string, std::string>& readings) {
  int mark = 0;
  for (size_t i = 0; i < shown.size() && i < table.rows.size(); ++i) {
    const auto it = readings.find(shown[i]->name);
    if (it == readings.end()) continue;
    ++mark;
    auto* name = std::get_if<std::string>(&table.rows[i].at(0));
    if (name) *name += fmt::format(" [r{}]", mark);
    table.notes.push_back(
        fmt::format("[r{}] {} is a reading, not the study's print: {}", mark, shown[i]->name, it->second));
  }
}

}  // namespace bokeh::reports
