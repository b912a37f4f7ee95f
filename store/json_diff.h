// The differences between two JSON documents as readable lines ("data.height: 256 -> 512"), used to
// show why a changed spec is refused under an existing sweep name.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bokeh::orchestrator {

// One line per difference, in key order: "path: old -> new", "path: added new", "path: removed (was old)".
std::vector<std::string> json_diff(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace bokeh::orchestrator
