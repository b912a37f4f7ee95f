// ASHA early stopping (asynchronous successive halving, Li et al. 2020), a sweep's stopping rule
// (stopping_rule.h), its state derived from the store alone: a run's rung and state (runs.rung, runs.state) and its
// metric (early_stopping.metric: any objective of common/objective.h) at each rung's epoch (the epochs table). That
// state is read once (load()) and then kept in memory, rung tables sorted by metric, updated by each decision: no
// decision scans the sweep's runs or parses their configs, so a decision costs the same at 10 trials and at 10,000.
// Rungs are numbered from 0 (common/asha_rungs.h). A run that reaches a rung below its last epoch goes on when its
// metric is in the top 1/η of the runs recorded at that rung so far; otherwise it is stopped there, and it is promoted
// later if enough runs recorded after it do worse. Every decision is an event that names the rung, the metric, the
// run's rank and how many runs the rung held, so that any outcome can be explained from the store; a sweep reopened
// after a kill derives the same rung state. With search.objectives (EarlyStopping::objectives), MO-ASHA
// (Schmucker et al. 2021): a rung's runs are ranked by non-dominated sorting with an ε-net tie-break
// (pareto.h), static objectives included, and each decision names the run's front too.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "orchestrator/search/objective_costs.h"
#include "orchestrator/search/pareto.h"
#include "orchestrator/search/stopping_rule.h"
#include "orchestrator/spec/spec.h"
#include "store/store.h"

namespace bokeh::orchestrator {

class AshaRule : public StoppingRule {
 public:
  AshaRule(Store& store, std::string sweep, EarlyStopping rule);

  // (Re)builds the rung tables from the store: every run, and its metric at the rungs it was judged at.
  void load() override;
  void add_run(const RunRecord& run) override;

  // min_epochs * reduction_factor^k below max_epochs (common/asha_rungs.h).
  std::vector<int64_t> levels_below(int64_t max_epochs) const override;
  int64_t rung_epoch(int64_t rung) const override;  // min_epochs * reduction_factor^rung
  int64_t target_epoch(const RunRecord& run) const override;

  // The run goes on when its metric (from `history`) is in the top 1/η recorded at its rung, else it is
  // stopped; then every stopped run that the new record lifts into its rung's top is promoted.
  std::vector<StopDecision> on_rung_reached(const RunRecord& run, const std::vector<common::EpochFigures>& history,
                                            const std::string& results_json) override;

  // Promotes every stopped run in the top 1/η of its rung, lowest rung first.
  std::vector<StopDecision> promote_due() override;

  // With none gone on from the highest rung a run is stopped at (a rung that holds fewer than η runs
  // lets none go on), promotes the best run stopped there: a sweep of few trials still trains one run
  // to its last epoch. Returns that decision, or none.
  std::vector<StopDecision> promote_when_drained() override;

 private:
  struct Entry {
    double cost;  // the objective's (common::objective_cost: lower is better); MO-ASHA: the first objective's
    int64_t run_id;
    std::vector<double> costs = {};  // MO-ASHA: one per objective
    size_t front = 0;                // MO-ASHA: its non-domination front at the rung (0: the first)
    bool operator<(const Entry& o) const { return cost < o.cost || (cost == o.cost && run_id < o.run_id); }
  };
  struct Tracked {
    std::string name;
    int64_t rung = 0;
    bool stopped = false;
    StaticFigures figures;  // for MO-ASHA's static objectives
  };
  bool multi_objective() const { return !rule_.objectives.empty(); }
  // The entry of run `id` at an epoch with `figures`.
  Entry entry_at(int64_t id, const common::EpochFigures& figures);
  // The runs recorded at rung k, best first (ties: the earlier run): those judged there (gone on past
  // it, or stopped at it), by their metric at its epoch. A run whose epoch row is there but whose DONE
  // is not (in flight, or killed) is not counted yet.
  std::vector<Entry>& recorded_at(int64_t rung);
  // Puts `entry` into its rung's table; its position. MO-ASHA re-ranks the table (rank()).
  size_t enter(int64_t rung, Entry entry);
  // MO-ASHA: the rung's table afresh from its entries by first objective (so that ties fall the same way
  // after a reload): its fronts, each an ε-net (pareto.h, epsilon_net_ranking), ordered only where a decision
  // reads the order: the top 1/η, the first run, the runs stopped within the top and `run` wherever it falls.
  void rank(int64_t rung, std::optional<int64_t> run);
  // MO-ASHA: every stopped run in the top 1/η of `rung` goes on (a new record can reorder the top).
  void promote_top(int64_t rung, std::vector<StopDecision>& decisions);
  Tracked& tracked(int64_t id);
  void promote(int64_t id, int64_t rung, const std::string& why, bool was_stopped);
  // How many of `n` recorded runs go on.
  int64_t quota(size_t n) const { return static_cast<int64_t>(n) / rule_.reduction_factor; }
  std::string explain(const std::vector<Entry>& recorded, size_t position, int64_t rung) const;

  Store& store_;
  std::string sweep_;
  EarlyStopping rule_;
  std::unordered_map<int64_t, Tracked> runs_;  // by run id
  std::vector<std::vector<Entry>> rungs_;      // rung -> recorded entries, best first
  std::vector<std::vector<Entry>> by_cost_;    // MO-ASHA: rung -> the same entries by Entry::operator<
  std::vector<CostVector> costs_;              // MO-ASHA: rank()'s buffer of a rung's costs
  std::map<int64_t, int64_t> stopped_at_;      // rung -> runs stopped there
  int64_t highest_rung_ = -1;                  // the highest rung of any run
};

}  // namespace bokeh::orchestrator
