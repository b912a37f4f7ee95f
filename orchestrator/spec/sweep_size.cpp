// Counting a spec's planned runs with saturating arithmetic (a grid's product overflows 64 bits at 20
// axes of 10 values) and refusing more than kMaxSweepRuns.
#include "orchestrator/spec/sweep_size.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <limits>
#include <string>
#include <vector>

namespace bokeh::orchestrator {
namespace {

constexpr uint64_t kTooMany = std::numeric_limits<uint64_t>::max();  // a count that does not fit

uint64_t times(uint64_t a, uint64_t b) { return b != 0 && a > kTooMany / b ? kTooMany : a * b; }
uint64_t plus(uint64_t a, uint64_t b) { return a > kTooMany - b ? kTooMany : a + b; }

std::string count_text(uint64_t n) { return n == kTooMany ? fmt::format("more than {}", kTooMany) : std::to_string(n); }

const char* const kAdvice = "split it into several sweeps, or sample it with search:";

}  // namespace

void check_sweep_size(const Spec& spec) {
  const auto repeats = static_cast<uint64_t>(spec.repeats);
  uint64_t runs = 0;  // the explicit runs, with their repeats
  const RunEntry* most_repeated = nullptr;
  for (const RunEntry& r : spec.runs) {
    const auto k = static_cast<uint64_t>(r.repeats > 0 ? r.repeats : spec.repeats);
    runs = plus(runs, k);
    if (!most_repeated || r.repeats > most_repeated->repeats) most_repeated = &r;
  }
  uint64_t points = spec.grid.empty() ? 0 : 1;
  std::vector<size_t> sizes;
  for (const GridAxis& axis : spec.grid) {
    sizes.push_back(axis.values.size());
    points = times(points, axis.values.size());
  }
  const uint64_t grid_runs = times(points, repeats);
  const bool base_only = spec.runs.empty() && spec.grid.empty() && spec.search.method == SearchMethod::None;
  const uint64_t total = plus(plus(runs, grid_runs), base_only ? repeats : 0);
  if (total <= kMaxSweepRuns) return;

  const std::string limit = fmt::format("more than the {} a sweep may hold", kMaxSweepRuns);
  if (grid_runs > 0) {
    std::string text = fmt::format("{} = {}", fmt::join(sizes, " x "), count_text(points));
    if (repeats > 1) text += fmt::format(" points x repeats {} = {}", repeats, count_text(grid_runs));
    if (runs > 0) text += fmt::format(" runs, + {} from runs: = {}", runs, count_text(total));
    throw SpecError(spec.grid_where, fmt::format("{} runs, {} ({})", text, limit, kAdvice));
  }
  if (base_only) {
    throw SpecError(spec_location(spec, "repeats"),
                    fmt::format("is {}: {} runs of base, {} (lower it)", repeats, repeats, limit));
  }
  throw SpecError(most_repeated->where, fmt::format("runs: {} entries with their repeats = {} runs, {} ({})",
                                                    spec.runs.size(), count_text(total), limit, kAdvice));
}

}  // namespace bokeh::orchestrator
