// The DataPreparer of a real sweep: the worker library's prepared-data cache (decoded and resized
// once, mapped read-only by every worker).
#pragma once

#include <filesystem>

#include "orchestrator/sweep/sweep_book.h"

namespace bokeh::runner {

orchestrator::PreparedDataFile prepare_sweep_data(const common::DataConfig& data, const std::filesystem::path& folder);

}  // namespace bokeh::runner
