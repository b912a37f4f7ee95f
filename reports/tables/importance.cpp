// Hyperparameter importance: the configurations' settings and quality as the statistics take them
// (reports/statistics/variance_shares.h: exact on a full factorial grid, else fANOVA over a random
// forest, with bootstrap intervals), the table.
#include "reports/tables/importance.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "reports/tables/report_error.h"
#include "reports/statistics/variance_shares.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "reports/tables/pareto.h"

namespace bokeh::reports {
namespace {

using nlohmann::json;

constexpr uint64_t kSeedSalt = 0x4855545445523134ULL;  // "HUTTER14": the importance streams' salt
constexpr double kShownPairShare = 0.005;              // interactions below this are counted, not listed

// A finished configuration: its settings (dotted keys) and its quality, per finished repeat.
struct Sample {
  json settings;
  std::vector<double> values;
  double mean = 0;
};

std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{:g}", v.get<double>());
  return v.dump();
}

// One varied setting as the methods see it: its levels (sorted), and for numbers a coordinate.
struct Dimension {
  std::string key;
  std::vector<json> levels;
  bool numeric = false;
  bool log = false;
  std::pair<double, double> box;  // fANOVA: the range integrated over
  size_t level(const json& v) const {
    return static_cast<size_t>(std::find(levels.begin(), levels.end(), v) - levels.begin());
  }
  // fANOVA's coordinate: the value (its log10 on a log scale), or a category's index.
  double coordinate(const json& v) const {
    if (!numeric) return static_cast<double>(level(v));
    return log ? std::log10(v.get<double>()) : v.get<double>();
  }
};

Dimension make_dimension(const std::string& key, const std::vector<Sample>& samples,
                         const orchestrator::StoredSpec& spec) {
  Dimension d;
  d.key = key;
  std::set<json> levels;
  bool numeric = true;
  for (const Sample& s : samples) {
    const json& v = s.settings.at(key);
    levels.insert(v);
    numeric = numeric && v.is_number();
  }
  d.levels.assign(levels.begin(), levels.end());
  d.numeric = numeric;
  if (!numeric) {
    d.box = {-0.5, static_cast<double>(d.levels.size()) - 0.5};
    return d;
  }
  const auto dim = std::find_if(spec.space.begin(), spec.space.end(),
                                [&](const orchestrator::SearchDimension& s) { return s.path == key; });
  bool all_positive = true;
  for (const json& v : d.levels) all_positive = all_positive && v.get<double>() > 0;
  d.log = dim != spec.space.end() && dim->log_scale() && all_positive;
  double low = d.coordinate(d.levels.front()), high = d.coordinate(d.levels.back());
  if (dim != spec.space.end() && dim->distribution != orchestrator::Distribution::Choice && (!d.log || dim->low > 0)) {
    low = std::min(low, d.log ? std::log10(dim->low) : dim->low);
    high = std::max(high, d.log ? std::log10(dim->high) : dim->high);
  }
  d.box = {low, high};
  return d;
}

std::string levels_text(const Dimension& d) {
  if (d.numeric && d.levels.size() > 6) {
    return fmt::format("{} values in [{}, {}]{}", d.levels.size(), value_text(d.levels.front()),
                       value_text(d.levels.back()), d.log ? " (log scale)" : "");
  }
  std::vector<std::string> parts;
  for (const json& v : d.levels) parts.push_back(value_text(v));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

ImportanceResult importance(const orchestrator::SweepInfo& sweep, const std::vector<RepeatGroup>& groups,
                            const ImportanceOptions& options) {
  const orchestrator::StoredSpec spec = orchestrator::read_stored_spec(sweep.spec_json);
  ImportanceResult result;
  const common::ResultFigure& quality = quality_figure(options.y);
  check_comparable(member_runs(groups), quality.name, "--importance --y " + options.y);
  const std::string& header = common::compared_header(quality);
  result.y_header = header;
  std::vector<Sample> samples;
  for (const RepeatGroup& g : groups) {
    Sample s{flat_settings(g.mean.group), {}, 0};
    for (const RunSummary* r : g.members) {
      if (r->state != orchestrator::RunState::Done) continue;
      if (const std::optional<double> v = run_figure(*r, quality.name)) s.values.push_back(*v);
    }
    if (s.values.empty()) continue;
    s.mean = sample_stats(s.values).mean;
    result.repeated = result.repeated || s.values.size() > 1;
    samples.push_back(std::move(s));
  }
  result.configurations = static_cast<int64_t>(samples.size());
  if (groups.size() == 1)
    throw ReportInputError(
        fmt::format("--importance: sweep \"{}\" varies nothing (one configuration{}), so there is "
                    "nothing to attribute",
                    sweep.name, groups.front().planned() > 1 ? ", repeated" : ""));
  if (samples.size() < 3)
    throw ReportInputError(
        fmt::format("--importance needs at least 3 finished configurations with {}; sweep \"{}\" "
                    "has {}",
                    header, sweep.name, samples.size()));
  // The settings that differ between the finished configurations, in the spec's order, then any other.
  std::vector<std::string> keys = spec.varied;
  for (const auto& [key, value] : samples.front().settings.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  std::vector<Dimension> dims;
  for (const std::string& key : keys) {
    const bool everywhere =
        std::all_of(samples.begin(), samples.end(), [&](const Sample& s) { return s.settings.contains(key); });
    if (!everywhere) continue;
    const bool varies = std::any_of(samples.begin(), samples.end(), [&](const Sample& s) {
      return s.settings.at(key) != samples.front().settings.at(key);
    });
    if (varies)
      dims.push_back(make_dimension(key, samples, spec));
    else if (std::find(spec.varied.begin(), spec.varied.end(), key) != spec.varied.end())
      result.constants.emplace_back(key, value_text(samples.front().settings.at(key)));
  }
  if (dims.empty())
    throw ReportInputError(
        fmt::format("--importance: no setting differs between the {} finished configurations of "
                    "sweep \"{}\", so there is nothing to attribute",
                    samples.size(), sweep.name));
  for (const Dimension& d : dims) result.values.emplace_back(d.key, levels_text(d));

  size_t cells = 1;
  for (const Dimension& d : dims) cells *= d.levels.size();
  result.exact = cells == samples.size();  // every combination of the levels once: a full factorial grid
  common::SeededRng rng(options.seed ^ kSeedSalt);
  VarianceShares shares;
  if (result.exact) {
    std::vector<size_t> levels, cells;
    std::vector<std::vector<double>> values;
    for (const Dimension& d : dims) {
      result.cells.push_back(std::to_string(d.levels.size()));
      levels.push_back(d.levels.size());
    }
    for (const Sample& s : samples) {
      size_t cell = 0;
      for (const Dimension& d : dims) cell = cell * d.levels.size() + d.level(s.settings.at(d.key));
      cells.push_back(cell);
      values.push_back(s.values);
    }
    shares = grid_variance_shares(levels, cells, values, options.bootstrap, rng);
  } else {
    std::vector<std::vector<double>> x;
    std::vector<double> y;
    Box box;
    for (const Dimension& d : dims) box.push_back(d.box);
    for (const Sample& s : samples) {
      std::vector<double> row;
      for (const Dimension& d : dims) row.push_back(d.coordinate(s.settings.at(d.key)));
      x.push_back(std::move(row));
      y.push_back(s.mean);
    }
    shares = forest_variance_shares(x, y, box, options.trees, options.bootstrap, options.bootstrap_trees, rng);
  }
  result.total_variance = shares.estimate.total_variance;
  const std::vector<double> flat = flat_shares(shares.estimate);
  for (size_t t = 0; t < flat.size(); ++t) {
    ImportanceTerm term;
    if (t < dims.size()) {
      term.settings = {dims[t].key};
    } else {
      const auto [i, j] = shares.estimate.pairs[t - dims.size()].first;
      term.settings = {dims[i].key, dims[j].key};
    }
    term.share = flat[t];
    if (!shares.intervals.empty()) term.interval = shares.intervals[t];
    result.terms.push_back(std::move(term));
  }
  std::stable_sort(result.terms.begin(), result.terms.end(),
                   [](const ImportanceTerm& a, const ImportanceTerm& b) { return a.share > b.share; });
  return result;
}

Table importance_table(const orchestrator::SweepInfo& sweep, const ImportanceResult& result,
                       const ImportanceOptions& options) {
  Table t;
  t.title = fmt::format("Importance - sweep {}: share of the variance of {} across {} configurations", sweep.name,
                        result.y_header, result.configurations);
  t.columns = {Column{"Setting"}, Column{"Effect"}, Column{"Share", CellStyle::Fixed, 3}, Column{"95% interval"},
               Column{"Values"}};
  const auto value_of = [&](const std::string& key) {
    for (const auto& [k, v] : result.values) {
      if (k == key) return v;
    }
    return std::string();
  };
  double listed = 0;
  int64_t omitted = 0;
  for (const ImportanceTerm& term : result.terms) {
    const bool pair = term.settings.size() == 2;
    if (pair && term.share < kShownPairShare) {
      ++omitted;
      continue;
    }
    listed += term.share;
    const Cell interval =
        term.interval ? Cell{fmt::format("[{:.3f}, {:.3f}]", term.interval->first, term.interval->second)} : Cell{};
    t.rows.push_back({Cell{fmt::format("{}", fmt::join(term.settings, " × "))},
                      Cell{std::string(pair ? "interaction" : "main")}, Cell{term.share}, interval,
                      Cell{pair ? std::string() : value_of(term.settings[0])}});
  }
  for (const auto& [key, value] : result.constants)
    t.rows.push_back({Cell{key}, Cell{std::string("constant")}, Cell{std::string("constant")}, Cell{}, Cell{value}});

  if (result.exact) {
    t.notes.push_back(fmt::format(
        "Exact functional ANOVA over the {} cells of a full factorial grid ({} levels){}: each term's share of the "
        "variance of the cell {} across the cells, every level weighted equally.",
        result.configurations, fmt::join(result.cells, " x "),
        result.repeated ? ", each cell the mean of its finished repeats" : "", result.y_header));
    t.notes.push_back(
        result.repeated
            ? fmt::format("95% interval: 2.5 and 97.5 percentiles over {} bootstrap resamples of each cell's "
                          "repeats (seed {}).",
                          options.bootstrap, options.seed)
            : "No interval: one run per cell, so the shares are exact for these runs (repeats: K would "
              "give an interval over seeds).");
  } else {
    t.notes.push_back(fmt::format(
        "fANOVA (Hutter et al. 2014) over a random forest of {} regression trees (bootstrap samples, one setting "
        "drawn at random per split, up to {} levels deep) fit to the {} configurations' {}{}; the forest's mean "
        "prediction decomposed exactly over the settings' ranges (uniform; log scale where the search samples "
        "log-uniformly; categories equally weighted).",
        options.trees, ForestOptions{}.max_depth, result.configurations, result.y_header,
        result.repeated ? " (means over repeats)" : ""));
    t.notes.push_back(
        fmt::format("95% interval: 2.5 and 97.5 percentiles over {} bootstrap resamples of the "
                    "configurations, {} trees each; seed {} (the same database prints the same numbers).",
                    options.bootstrap, options.bootstrap_trees, options.seed));
  }
  if (result.total_variance <= 0) {
    t.notes.push_back(
        fmt::format("{} is the same for every configuration: there is no variance to share, so every share is 0.",
                    result.y_header));
  } else {
    std::string rest = fmt::format("The listed shares sum to {:.3f}; the rest is higher-order interactions", listed);
    if (omitted > 0)
      rest += fmt::format(" and {} two-way interaction{} below {:g} (not listed)", omitted, omitted == 1 ? "" : "s",
                          kShownPairShare);
    t.notes.push_back(rest + ".");
  }
  t.notes.push_back(
      result.constants.empty()
          ? "Every other run setting is the same in every run."
          : "constant: the spec varies it, but every finished configuration has the same value; every other "
            "run setting is the same in every run.");
  return t;
}

json importance_json(const ImportanceResult& result) {
  json terms = json::array();
  for (const ImportanceTerm& term : result.terms) {
    if (term.settings.size() == 2 && term.share < kShownPairShare) continue;
    terms.push_back({{"label", fmt::format("{}", fmt::join(term.settings, " × "))},
                     {"share", term.share},
                     {"low", term.interval ? json(term.interval->first) : json(nullptr)},
                     {"high", term.interval ? json(term.interval->second) : json(nullptr)}});
  }
  json constants = json::array();
  for (const auto& [key, value] : result.constants) constants.push_back(key);
  return {{"y_label", result.y_header}, {"exact", result.exact}, {"terms", terms}, {"constants", constants}};
}

}  // namespace bokeh::reports
