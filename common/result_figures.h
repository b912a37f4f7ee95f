// The table of a run's result figures (losses, test metrics, runtime, size and cost), the one place
// each figure is named: its name in the reports, its key in the results JSON, its column header and
// unit, how its numbers are written, which direction is better, when it is known (every epoch, once a
// run ends, before it starts), which of the study's Tables 1-4 show it, and the `report --x/--y`
// choice that picks it as a cost or a quality. The tolerant results reader (result_json.h), the
// tables' figure columns, the repeats' means and spreads, --pareto, --importance, the sweep's
// progress line and report's --x/--y choices derive from it; a new figure is one row here plus the
// code that computes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result_json.h"

namespace bokeh::common {

enum class Better { Lower, Higher, Neither };

// When a figure is known: each epoch has it (a run's is its last epoch's), a finished run has it once,
// or the run's settings fix it before training (parameters, the cost estimate).
enum class FigureScope { PerEpoch, PerRun, Static };

// What `report --x` / `--y` may pick it as: a cost (--pareto's x axis) or a quality (--pareto's y axis
// and --importance's objective).
enum class AxisRole { None, Cost, Quality };

// Whether a sweep can optimise it and choose its best runs by it (common/objective.h): a comparable
// figure, one weighted by each run's own loss weights (the losses: comparable only between runs with the
// same weights), or not an objective.
enum class ObjectiveUse { None, Comparable, LossWeighted };

// How its numbers are written: a count in the shortest form (epochs), or with fixed decimals, at least
// `decimals` and up to `max_decimals` where small values would otherwise print as 0. Where
// configurations are compared by it (Table 4, --pareto's quality axis) at least `compared_decimals`.
struct FigureFormat {
  bool count = false;
  int decimals = 2;
  int max_decimals = 4;
  int compared_decimals = 2;
};

struct ResultFigure {
  std::string name;      // in the reports (run_figure(), spreads), e.g. "test_psnr", "runtime_min"
  std::string json_key;  // in a run's results JSON, e.g. "runtime_seconds"; "" when the run's record holds it
  std::optional<double> ResultFigures::*result = nullptr;  // where the tolerant reader puts it (json_key's)
  std::string header;                                      // the study's column header, e.g. "PSNR"
  std::string compared_header;  // Table 4's and a quality axis's, direction marked ("PSNR ↑"); "" = header
  std::string unit;             // "dB", "min", "M" (millions), ""
  FigureFormat format;
  Better better = Better::Lower;
  FigureScope scope = FigureScope::PerRun;
  std::vector<int64_t> tables;  // the study's tables (1-4) with a column of it
  AxisRole role = AxisRole::None;
  std::string axis;       // its `report --x` (cost) or `--y` (quality) choice, e.g. "psnr"; "" when role is None
  std::string axis_note;  // what report --help says of the choice, e.g. "test set"; "" for nothing
  ObjectiveUse objective = ObjectiveUse::None;  // per-epoch figures only
};

// Every result figure, costs first (the order of report's --x and --y choices).
const std::vector<ResultFigure>& result_figure_table();

// The figure named `name` (ResultFigure::name), or nullptr.
const ResultFigure* find_result_figure(const std::string& name);

// The figure a table column with this header shows (header or compared_header), or nullptr.
const ResultFigure* figure_for_header(const std::string& header);

// The figure `report --x` (Cost) or `--y` (Quality) names `choice`, or nullptr.
const ResultFigure* axis_figure(AxisRole role, const std::string& choice);

// The choices of `report --x` (Cost) or `--y` (Quality), in the table's order.
std::vector<std::string> axis_choices(AxisRole role);

// "params, flops, runtime or inference": the choices as an error message lists them; `with_notes`: as report --help
// does, each run of choices with the same note followed by it ("params, flops (estimated training
// FLOPs) or runtime").
std::string axis_choices_text(AxisRole role, bool with_notes = false);

// The header where configurations are compared by it: compared_header, else header.
const std::string& compared_header(const ResultFigure& figure);

// `value` as a comparison writes it: compared_decimals after the point ("PSNR 24.51").
std::string compared_text(const ResultFigure& figure, double value);

}  // namespace bokeh::common
