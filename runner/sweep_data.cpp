// Builds or validates the prepared-data cache of a sweep and describes it.
#include "runner/sweep_data.h"

#include <fmt/format.h>

#include "worker/data/prepared_data.h"

namespace bokeh::runner {

orchestrator::PreparedDataFile prepare_sweep_data(const common::DataConfig& data, const std::filesystem::path& folder) {
  const auto prepared = worker::PreparedData::prepare(data, folder);
  return {prepared->file().string(),
          fmt::format("{} train / {} validation / {} test pairs at {}x{}", prepared->size(worker::Split::train),
                      prepared->size(worker::Split::validation), prepared->size(worker::Split::test), prepared->width(),
                      prepared->height())};
}

}  // namespace bokeh::runner
