// The files a spec names, checked before a sweep is registered: the LPIPS weights file must exist
// and read as LPIPS weights, and EBB!'s folders must be there. Each problem says what the file is,
// how to get it and the command that runs the same spec without it.
#pragma once

#include <string>
#include <vector>

#include "orchestrator/spec/spec.h"

namespace bokeh::orchestrator {

struct InputProblem {
  SourceLocation where;  // the key naming the file
  std::string message;   // one line, then indented lines saying what to do
};

// Every problem, the last one ending with a command that runs the same spec without the missing
// files; empty when every named file is in place.
std::vector<InputProblem> spec_input_problems(const Spec& spec);

// Throws SpecError (at the first problem's key, its message followed by the other problems, each
// with its own location) unless spec_input_problems(spec) is empty; returns the spec otherwise.
Spec check_spec_inputs(Spec spec);

}  // namespace bokeh::orchestrator
