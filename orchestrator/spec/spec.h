// A sweep spec (YAML, see sweeps/README.md): parsing, `--set key.path=value` overrides and
// validation. Every error is a SpecError naming the file, line and key path of the offending value.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "orchestrator/spec_format/sweep_spec.h"

namespace bokeh::orchestrator {

// The longest sweep or run name: they name folders and files (a file name holds at most 255 bytes, and
// names gain suffixes such as "-quick" or ".png").
inline constexpr size_t kMaxNameLength = 100;

class SpecError : public std::runtime_error {
 public:
  SpecError(SourceLocation where, const std::string& message);
  const SourceLocation& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

// Reads and validates a spec file; `overrides` are "key.path=value" strings applied before validation.
// A key path naming a run setting (model.*, train.*, loss.*) overrides it in every run; any other path
// sets that place in the document (e.g. data.height=256, base.train.lr=1e-3, grid.model.width=[8,16]).
Spec load_spec(const std::string& path, const std::vector<std::string>& overrides = {});
// The same from text; `file` names it in errors.
Spec parse_spec(const std::string& text, const std::string& file, const std::vector<std::string>& overrides = {});

// Where the document key `key` (e.g. "data.root") was written, else the spec file with that key.
SourceLocation spec_location(const Spec& spec, const std::string& key);

}  // namespace bokeh::orchestrator
