// The report fixture's prepared data, for the tests that show samples: built as a sweep builds it and
// recorded with the sweep (`report` opens the file the store names and never builds one).
#pragma once

#include <filesystem>

#include "orchestrator/spec/spec.h"
#include "store/results_layout.h"
#include "store/store.h"
#include "orchestrator/sweep/sweep_records.h"
#include "reports/sweep_fixture.h"
#include "training/data/prepared_data.h"

namespace bokeh::test {

// Prepares sweep "tiny"'s data under results/tiny/data and records its file; returns the file.
inline std::filesystem::path prepare_fixture_data(const SweepFixture& f) {
  const orchestrator::Spec spec = orchestrator::parse_spec(kTinySpec, "tiny.yaml");
  const auto data = training::PreparedData::prepare(spec.data, orchestrator::sweep_data_dir(f.root, "tiny"));
  orchestrator::Store store(f.db_path);
  orchestrator::SweepInfo info = orchestrator::sweep_info(spec);
  info.data_file = data->file().string();
  store.register_sweep(info);  // the same spec: only its data file is updated
  return data->file();
}

}  // namespace bokeh::test
