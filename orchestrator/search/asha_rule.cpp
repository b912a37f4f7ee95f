// ASHA's decisions: rung tables built from the store once, kept in memory; stop and promote through
// the store (each with its event).
#include "orchestrator/search/asha_rule.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "common/asha_rungs.h"
#include "common/objective.h"
#include "orchestrator/search/pareto.h"

namespace bokeh::orchestrator {
namespace {

std::string ordinal(size_t n) {
  const size_t last = n % 10;
  const char* suffix = (n % 100 >= 11 && n % 100 <= 13) || last == 0 || last > 3 ? "th"
                       : last == 1                                               ? "st"
                       : last == 2                                               ? "nd"
                                                                                 : "rd";
  return fmt::format("{}{}", n, suffix);
}

const common::EpochFigures& figures_of(const common::EpochFigures& figures) { return figures; }
common::EpochFigures figures_of(const EpochRecord& row) { return epoch_figures(row); }

// The figures at `epoch` of a run's epochs (its stored rows, or the figures it just reported); nullopt when
// none is that epoch.
template <class Epoch>
std::optional<common::EpochFigures> figures_at(const std::vector<Epoch>& epochs, int64_t epoch) {
  const auto e = std::find_if(epochs.begin(), epochs.end(), [&](const Epoch& r) { return r.epoch == epoch; });
  if (e == epochs.end()) return std::nullopt;
  return figures_of(*e);
}

}  // namespace

AshaRule::AshaRule(Store& store, std::string sweep, EarlyStopping rule)
    : store_(store), sweep_(std::move(sweep)), rule_(std::move(rule)) {}

std::vector<int64_t> AshaRule::levels_below(int64_t max_epochs) const {
  return common::asha_rung_epochs(rule_.min_epochs, rule_.reduction_factor, max_epochs);
}

void AshaRule::add_run(const RunRecord& run) {
  Tracked& t = runs_[run.id];
  t.name = run.name;
  t.rung = run.rung;
  t.stopped = run.state == RunState::Stopped;
  t.figures = StaticFigures{run.params, run.cost};
  if (t.stopped) ++stopped_at_[run.rung];
  highest_rung_ = std::max(highest_rung_, run.rung);
}

void AshaRule::load() {
  runs_.clear();
  rungs_.clear();
  by_cost_.clear();
  stopped_at_.clear();
  highest_rung_ = -1;
  for (const RunRecord& r : store_.runs(sweep_)) {
    add_run(r);
    const int64_t judged = r.rung + (r.state == RunState::Stopped ? 1 : 0);  // rungs 0..judged-1
    if (judged == 0) continue;
    const std::vector<EpochRecord> epochs = store_.epochs(r.id);
    for (int64_t k = 0; k < judged; ++k) {
      if (rung_epoch(k) >= r.epochs) continue;
      const std::optional<common::EpochFigures> f = figures_at(epochs, rung_epoch(k));
      if (!f) continue;
      if (multi_objective()) {
        if (by_cost_.size() <= static_cast<size_t>(k)) by_cost_.resize(static_cast<size_t>(k) + 1);
        by_cost_[static_cast<size_t>(k)].push_back(entry_at(r.id, *f));  // ranked once below
      } else {
        enter(k, entry_at(r.id, *f));
      }
    }
  }
  for (size_t k = 0; k < by_cost_.size(); ++k) {
    std::sort(by_cost_[k].begin(), by_cost_[k].end());
    rank(static_cast<int64_t>(k), std::nullopt);
  }
}

AshaRule::Tracked& AshaRule::tracked(int64_t id) {
  const auto it = runs_.find(id);
  if (it == runs_.end()) add_run(store_.run(id));  // a run added behind our back (tests, another process)
  return runs_.at(id);
}

int64_t AshaRule::rung_epoch(int64_t rung) const {
  return common::asha_rung_epoch(rule_.min_epochs, rule_.reduction_factor, rung);
}

int64_t AshaRule::target_epoch(const RunRecord& run) const {
  return run.rung < static_cast<int64_t>(levels_below(run.epochs).size()) ? rung_epoch(run.rung) : run.epochs;
}

std::vector<AshaRule::Entry>& AshaRule::recorded_at(int64_t rung) {
  if (rungs_.size() <= static_cast<size_t>(rung)) rungs_.resize(static_cast<size_t>(rung) + 1);
  return rungs_[static_cast<size_t>(rung)];
}

AshaRule::Entry AshaRule::entry_at(int64_t id, const common::EpochFigures& figures) {
  if (!multi_objective()) {
    const double cost = common::objective_cost(rule_.metric, figures);
    return Entry{std::isnan(cost) ? std::numeric_limits<double>::infinity() : cost, id};
  }
  std::vector<double> costs = objective_costs(rule_.objectives, figures, tracked(id).figures);
  return Entry{costs.front(), id, std::move(costs)};
}

size_t AshaRule::enter(int64_t rung, Entry entry) {
  std::vector<Entry>& table = recorded_at(rung);
  if (!multi_objective()) {
    const auto at = table.insert(std::upper_bound(table.begin(), table.end(), entry), entry);
    return static_cast<size_t>(at - table.begin());
  }
  const int64_t id = entry.run_id;
  if (by_cost_.size() <= static_cast<size_t>(rung)) by_cost_.resize(static_cast<size_t>(rung) + 1);
  std::vector<Entry>& sorted = by_cost_[static_cast<size_t>(rung)];
  sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), entry), std::move(entry));
  rank(rung, id);
  return static_cast<size_t>(std::find_if(table.begin(), table.end(), [&](const Entry& e) { return e.run_id == id; }) -
                             table.begin());
}

void AshaRule::rank(int64_t rung, std::optional<int64_t> run) {
  const std::vector<Entry>& sorted = by_cost_[static_cast<size_t>(rung)];
  const auto stopped_here = [&](size_t i) {
    const Tracked& t = tracked(sorted[i].run_id);
    return t.stopped && t.rung == rung;
  };
  RankingFocus focus{static_cast<size_t>(quota(sorted.size())), std::nullopt, stopped_here};
  costs_.resize(sorted.size());  // assigned in place: no allocation per decision once the rung has grown
  for (size_t i = 0; i < sorted.size(); ++i) {
    costs_[i] = sorted[i].costs;
    if (sorted[i].run_id == run) focus.point = i;
  }
  const ParetoRanking ranking = epsilon_net_ranking(costs_, focus);
  std::vector<Entry>& table = recorded_at(rung);
  table.resize(sorted.size());
  for (size_t k = 0; k < ranking.order.size(); ++k) {
    table[k] = sorted[ranking.order[k]];
    table[k].front = ranking.front[ranking.order[k]];
  }
}

std::string AshaRule::explain(const std::vector<Entry>& recorded, size_t position, int64_t rung) const {
  const int64_t go_on = quota(recorded.size());
  if (multi_objective()) {
    std::vector<std::string> values;
    for (size_t j = 0; j < rule_.objectives.size(); ++j) {
      values.push_back(fmt::format("{} {:.6g}", rule_.objectives[j].metric,
                                   common::objective_value(rule_.objectives[j], recorded[position].costs[j])));
    }
    return fmt::format(
        "rung {} (epoch {}): {}; front {}, {} of {} recorded there by non-dominated sorting and ε-net; the best {} "
        "go on (1/{})",
        rung, rung_epoch(rung), fmt::join(values, ", "), recorded[position].front + 1, ordinal(position + 1),
        recorded.size(), go_on, rule_.reduction_factor);
  }
  return fmt::format("rung {} (epoch {}): {} {:.6g}, {} of {} recorded there; the best {} go on (1/{})", rung,
                     rung_epoch(rung), rule_.metric.metric,
                     common::objective_value(rule_.metric, recorded[position].cost), ordinal(position + 1),
                     recorded.size(), go_on, rule_.reduction_factor);
}

void AshaRule::promote(int64_t id, int64_t rung, const std::string& why, bool was_stopped) {
  Tracked& t = tracked(id);
  if (was_stopped && t.stopped) --stopped_at_[t.rung];
  t.stopped = false;
  t.rung = rung + 1;
  highest_rung_ = std::max(highest_rung_, t.rung);
  store_.promote_run(id, rung + 1, why);
}

std::vector<StopDecision> AshaRule::on_rung_reached(const RunRecord& run,
                                                    const std::vector<common::EpochFigures>& history,
                                                    const std::string& results_json) {
  Tracked& t = tracked(run.id);
  std::vector<Entry>& recorded = recorded_at(run.rung);
  const int64_t quota_before = quota(recorded.size());
  const std::optional<common::EpochFigures> figures = figures_at(history, rung_epoch(run.rung));
  if (!figures) {
    throw StoreError(fmt::format("{}: run {} reports rung {} but has no epoch {} recorded", store_.path(), run.name,
                                 run.rung, rung_epoch(run.rung)));
  }
  const size_t position = enter(run.rung, entry_at(run.id, *figures));
  const int64_t go_on = quota(recorded.size());
  StopDecision decision{
      run.id, run.name, run.rung, static_cast<int64_t>(position) < go_on, false, explain(recorded, position, run.rung)};
  if (decision.goes_on) {
    promote(run.id, run.rung, "goes on: " + decision.why, false);
  } else {
    t.rung = run.rung;
    t.stopped = true;
    ++stopped_at_[run.rung];
    store_.pause_run(run.id, results_json, decision.why);
  }
  std::vector<StopDecision> decisions{decision};
  if (multi_objective()) {
    promote_top(run.rung, decisions);
    return decisions;
  }
  // Every run in the rung's top went on before this record (promote_due() at load keeps that true), so
  // the record can lift at most one stopped run into the top: the one at the new quota's last place.
  if (go_on > quota_before) {
    const Entry& lifted = recorded[static_cast<size_t>(go_on - 1)];
    const Tracked& l = tracked(lifted.run_id);
    if (l.stopped && l.rung == run.rung) {
      StopDecision d{lifted.run_id, l.name, run.rung,
                     true,          true,   explain(recorded, static_cast<size_t>(go_on - 1), run.rung)};
      promote(lifted.run_id, run.rung, "promoted: " + d.why, true);
      decisions.push_back(std::move(d));
    }
  }
  return decisions;
}

void AshaRule::promote_top(int64_t rung, std::vector<StopDecision>& decisions) {
  const std::vector<Entry>& recorded = recorded_at(rung);
  const int64_t go_on = quota(recorded.size());
  for (int64_t i = 0; i < go_on; ++i) {
    const int64_t id = recorded[static_cast<size_t>(i)].run_id;
    const Tracked& r = tracked(id);
    if (!r.stopped || r.rung != rung) continue;
    StopDecision d{id, r.name, rung, true, true, explain(recorded, static_cast<size_t>(i), rung)};
    promote(id, rung, "promoted: " + d.why, true);
    decisions.push_back(std::move(d));
  }
}

std::vector<StopDecision> AshaRule::promote_due() {
  std::vector<StopDecision> decisions;
  for (size_t rung = 0; rung < rungs_.size(); ++rung) promote_top(static_cast<int64_t>(rung), decisions);
  return decisions;
}

std::vector<StopDecision> AshaRule::promote_when_drained() {
  int64_t top = -1;
  for (const auto& [rung, count] : stopped_at_) {
    if (count > 0) top = std::max(top, rung);
  }
  if (top < 0 || highest_rung_ > top) return {};
  if (store_.any_active(sweep_)) return {};
  const std::vector<Entry>& recorded = recorded_at(top);
  if (recorded.empty()) return {};
  const int64_t id = recorded[0].run_id;
  const Tracked& best = tracked(id);
  if (!best.stopped) return {};
  StopDecision d{id, best.name, top, true, true, explain(recorded, 0, top)};
  promote(id, top, "promoted as the best of the furthest rung, nothing else left to run: " + d.why, true);
  return {d};
}

}  // namespace bokeh::orchestrator
