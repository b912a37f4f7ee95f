// Builds or validates the prepared-data cache of a sweep and describes it.
#include "runner/sweep_data.h"

#include <fmt/format.h>

#include "training/data/prepared_data.h"

namespace bokeh::runner {

orchestrator::PreparedDataFile prepare_sweep_data(const common::DataConfig& data, const std::filesystem::path& folder) {
  const auto prepared = training::PreparedData::prepare(data, folder);
  return {prepared->file().string(),
          fmt::format("{} train / {} validation / {} test pairs at {}x{}", prepared->size(training::Split::train),
                      prepared->size(training::Split::validation), prepared->size(training::Split::test),
                      prepared->width(), prepared->height())};
}

}  // namespace bokeh::runner
