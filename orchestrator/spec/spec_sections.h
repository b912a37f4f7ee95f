// Reading a spec's `data:`, `resources:` and `references:` sections, with the same located errors as
// the rest of the spec (file, line, key path). See sweeps/README.md.
#pragma once

#include <vector>

#include "common/reference.h"
#include "orchestrator/spec/spec.h"
#include "orchestrator/spec/yaml_reader.h"

namespace bokeh::orchestrator {

// `data: {source, root, test_root, mask_root, height, width, *_pairs, split_seed, synthetic}` into spec.data; where
// each key was written into spec.locations ("data.height", "data.synthetic.count", ...).
void read_data(const YamlReader& reader, const YamlEntry& entry, Spec& spec);

// Synthetic pairs, once the whole spec is read: as many as the splits need unless the spec says how many
// (then at least that).
void size_synthetic_data(Spec& spec);

// `resources: {device, threads, max_attempts, ranks_per_run, runs_per_gpu, stall_minutes}`.
Resources read_resources(const YamlReader& reader, const YamlEntry& entry);

// `references:`: the published rows, in their order.
std::vector<common::Reference> read_references(const YamlReader& reader, const YamlEntry& entry);

}  // namespace bokeh::orchestrator
