// `report --pareto` of a multi-objective sweep (search.objectives, 2 or 3): the runs no other beats in
// every objective, over the sweep's own objectives; the hypervolume they dominate up to a reference point;
// and that hypervolume as the sweep spent its epochs. A run's per-epoch objective is its best value over
// the epochs it trained (done runs and runs ASHA stopped alike: each has best weights), a static one
// (params, flops) the planned run's. Pareto geometry: orchestrator/search/pareto.h, as the search uses it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/objective.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/table.h"
#include "store/store_reader.h"

namespace bokeh::reports {

struct ObjectivePoint {
  const RunSummary* run = nullptr;
  std::vector<double> values;  // per objective, in the table's units (params in millions, flops in TFLOP)
  bool front = false;
  int64_t epochs = 0;   // the epochs its run trained
  double finished = 0;  // unix seconds it last finished or stopped
};

struct HypervolumeStep {
  int64_t epochs = 0;  // epochs the sweep had spent when these runs had finished or stopped
  int64_t runs = 0;    // runs counted so far
  double hypervolume = 0;
};

struct ObjectiveFront {
  std::vector<common::Objective> objectives;
  std::vector<ObjectivePoint> points;  // every run with all objectives, in the sweep's order
  std::vector<size_t> front;           // indices into points, by the first objective (best first)
  std::vector<double> reference;       // in the table's units
  std::string reference_given;         // where it came from ("given with --reference", the spec's); "": the default
  double hypervolume = 0;
  int64_t without_figure = 0;  // finished or stopped runs lacking an objective's figure
};

// Whether the stored sweep searched several objectives at once.
bool is_multi_objective(const orchestrator::SweepInfo& sweep);

// The front of `runs` (done or stopped) over the sweep's objectives. `reference`: one value per objective in
// the table's units (params in millions, flops in TFLOP); nullopt: the spec's search.reference_point, else per
// objective the worst value of the points plus a tenth of their range (plus 1 where all are equal), so every
// point counts. ReportInputError for a reference of the
// wrong size or one no point is better than in every objective; ReportError when no run has every objective yet.
ObjectiveFront objective_front(const orchestrator::StoreReader& store, const orchestrator::SweepInfo& sweep,
                               const std::vector<RunSummary>& runs,
                               const std::optional<std::vector<double>>& reference);

// The front as a table (a column per objective, the epochs each run trained), with the hypervolume and the
// reference point in its notes.
Table objective_front_table(const orchestrator::SweepInfo& sweep, const ObjectiveFront& front);

// The hypervolume against the epochs spent: runs counted in the order they finished or stopped (their
// last finish), each with every epoch it trained, against the front's reference point; at up to `rows`
// evenly spaced steps, the last always among them (computed only there: the dashboard does not ask).
std::vector<HypervolumeStep> hypervolume_by_epochs(const ObjectiveFront& front, size_t rows = 10);

// Those steps as a table.
Table hypervolume_table(const orchestrator::SweepInfo& sweep, const ObjectiveFront& front, size_t rows = 10);

// For the dashboard's scatter, as pareto_json: {"x_label", "y_label", "points": [{"name", "x", "y", "n",
// "front"}], "hypervolume"}: y the first objective, x the second; a third as "c_label" and each point's "c"
// (the page colours the points by it).
nlohmann::json objective_front_json(const ObjectiveFront& front);

}  // namespace bokeh::reports
