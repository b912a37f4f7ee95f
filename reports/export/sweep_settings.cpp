// Which settings vary, and over what: the spec's search space first, the runs' values for the rest.
#include "reports/export/sweep_settings.h"

#include <algorithm>

#include "reports/tables/run_summary.h"

namespace bokeh::reports {
namespace {

using nlohmann::json;

// Whether some run lacks `path` or holds another value there than the first run.
bool differs(const std::vector<json>& runs, const std::string& path) {
  const json& first = runs.front().at(path);
  return std::any_of(runs.begin(), runs.end(), [&](const json& run) {
    const auto it = run.find(path);
    return it == run.end() || *it != first;
  });
}

void add_seen_values(SettingDomain& domain, const std::vector<json>& runs) {
  for (const json& run : runs) {
    const auto it = run.find(domain.path);
    if (it == run.end()) continue;
    if (domain.range && it->is_number()) {
      domain.low = std::min(domain.low, it->get<double>());
      domain.high = std::max(domain.high, it->get<double>());
    } else if (!domain.range && std::find(domain.values.begin(), domain.values.end(), *it) == domain.values.end()) {
      domain.values.push_back(*it);
    }
  }
}

SettingDomain sampled_domain(const orchestrator::SearchDimension& d) {
  SettingDomain domain;
  domain.path = d.path;
  if (d.distribution == orchestrator::Distribution::Choice) {
    domain.values = d.choices;
    return domain;
  }
  domain.range = true;
  domain.integer = d.distribution == orchestrator::Distribution::Integer;
  domain.log = d.log_scale();
  domain.low = d.low;
  domain.high = d.high;
  return domain;
}

}  // namespace

SweepSettings sweep_settings(const orchestrator::StoredSpec& spec, const std::vector<orchestrator::RunRecord>& runs) {
  SweepSettings out;
  for (const orchestrator::RunRecord& r : runs) out.runs.push_back(flat_settings(r.config_json));
  for (const orchestrator::SearchDimension& d : spec.space) out.varied.push_back(sampled_domain(d));
  if (out.runs.empty()) return out;
  for (const auto& item : out.runs.front().items()) {
    const std::string& path = item.key();
    const bool listed =
        std::any_of(out.varied.begin(), out.varied.end(), [&](const SettingDomain& d) { return d.path == path; });
    if (listed || !differs(out.runs, path)) continue;
    out.varied.emplace_back();
    out.varied.back().path = path;
  }
  for (SettingDomain& domain : out.varied) {
    add_seen_values(domain, out.runs);
    domain.differs = out.runs.front().contains(domain.path) && differs(out.runs, domain.path);
  }
  return out;
}

}  // namespace bokeh::reports
