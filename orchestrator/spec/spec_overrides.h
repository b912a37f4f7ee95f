// --set key.path=value overrides of a sweep spec: the argument parsed (its value read as YAML) and,
// for a path into the document (anything but a run setting), applied to the parsed YAML tree.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "orchestrator/spec/spec.h"

namespace bokeh::orchestrator {

struct Override {
  std::string argument;  // as given, "train.lr=1e-3"
  std::string path;      // "train.lr"
  YAML::Node value;
};

// Throws SpecError (naming the argument) for a missing '=', an empty path part, unparsable YAML or no value.
Override parse_override(const std::string& argument);

// Sets the value at its path in `root` (a map), creating maps on the way; a list is indexed by number
// (runs.0.train.lr). Returns the document key path it set, as the parser spells it ("runs[0].train.lr").
std::string apply_override(YAML::Node root, const Override& o);

}  // namespace bokeh::orchestrator
