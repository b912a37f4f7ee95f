// --set key.path=value: parsing the argument and putting its value into the YAML document.
#include "orchestrator/spec/spec_overrides.h"

#include <fmt/format.h>

#include <sstream>
#include <vector>

#include "common/utf8_text.h"

namespace bokeh::orchestrator {
namespace {

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(s);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

// Puts `value` at segments[i..] below `node` (creating maps on the way; a part matching a literal
// dotted key such as grid's "model.width" takes the rest of the path) and returns the document key
// path it set, in the parser's spelling ("runs[2].train.lr").
std::string set_in_document(YAML::Node node, const std::vector<std::string>& segments, size_t i,
                            const YAML::Node& value, const std::string& done, const Override& o) {
  const auto child_path = [&](const std::string& part) { return done.empty() ? part : done + "." + part; };
  if (node.IsSequence()) {
    size_t index = 0;
    const std::string& part = segments[i];
    if (part.empty() || part.size() > 9 || part.find_first_not_of("0123456789") != std::string::npos ||
        (index = std::stoul(part)) >= node.size()) {
      throw SpecError(SourceLocation{"--set " + o.argument, 0, o.path},
                      fmt::format("{} is a list of {}; \"{}\" is not an index in it", done, node.size(), part));
    }
    const std::string path = fmt::format("{}[{}]", done, index);
    if (i + 1 == segments.size()) {
      node[index] = value;
      return path;
    }
    return set_in_document(node[index], segments, i + 1, value, path, o);
  }
  if (!node.IsMap() && !node.IsNull()) {
    throw SpecError(SourceLocation{"--set " + o.argument, 0, o.path},
                    fmt::format("{} holds a single value; it has no key \"{}\"", done, segments[i]));
  }
  std::string rest = segments[i];
  for (size_t j = i + 1; j < segments.size(); ++j) rest += "." + segments[j];
  if (i + 1 < segments.size() && node.IsMap() && static_cast<const YAML::Node&>(node)[rest].IsDefined()) {
    node[rest] = value;
    return child_path(rest);
  }
  if (i + 1 == segments.size()) {
    node[segments[i]] = value;
    return child_path(segments[i]);
  }
  const YAML::Node existing = static_cast<const YAML::Node&>(node)[segments[i]];
  if (!existing.IsDefined() || existing.IsNull()) node[segments[i]] = YAML::Node(YAML::NodeType::Map);
  return set_in_document(node[segments[i]], segments, i + 1, value, child_path(segments[i]), o);
}

}  // namespace

Override parse_override(const std::string& argument) {
  const auto fail = [&](const std::string& path, const std::string& message) {
    throw SpecError(SourceLocation{"--set " + argument, 0, path}, message);
  };
  // The arguments are stored as JSON with the sweep, which holds UTF-8 only.
  if (const std::string problem = common::utf8_problem(argument); !problem.empty())
    fail("", "must be UTF-8 text: " + problem);
  const size_t eq = argument.find('=');
  if (eq == std::string::npos) fail("", "expected key.path=value");
  const std::string path = argument.substr(0, eq);
  for (const std::string& segment : split(path + ".", '.')) {
    if (segment.empty()) fail(path, "the key path has an empty part");
  }
  Override o{argument, path, {}};
  try {
    o.value = YAML::Load(argument.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    fail(path, "cannot parse the value as YAML: " + e.msg);
  }
  if (o.value.IsNull()) fail(path, "needs a value after '='");
  return o;
}

std::string apply_override(YAML::Node root, const Override& o) {
  return set_in_document(root, split(o.path, '.'), 0, o.value, "", o);
}

}  // namespace bokeh::orchestrator
