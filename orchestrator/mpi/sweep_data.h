// The DataPreparer of a real sweep: the worker library's prepared-data cache (decoded and resized
// once, mapped read-only by every worker).
#pragma once

#include <filesystem>

#include "orchestrator/sweep_book.h"

namespace bokeh::orchestrator {

PreparedDataFile prepare_sweep_data(const worker::DataConfig& data, const std::filesystem::path& folder);

}  // namespace bokeh::orchestrator
