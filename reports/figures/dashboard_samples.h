// The dashboard's sample images: the same test images and runs as `report --figure samples` (the
// best few finished runs with a best checkpoint), one PNG per cell for the page to inline.
#pragma once

#include <filesystem>
#include <string>

#include "store/store_reader.h"
#include "reports/dashboard/dashboard_page.h"

namespace bokeh::reports {

inline constexpr int64_t kDashboardSampleImages = 3;  // test images shown per sweep

// Samples of `sweep` from the checkpoints and prepared data under `results_root`; throws ReportError
// (no finished run with a checkpoint, no test images) like the samples figure.
SampleImages dashboard_samples(const orchestrator::StoreReader& store, const std::string& sweep,
                               const std::filesystem::path& results_root, int64_t images = kDashboardSampleImages);

// A SampleSource for dashboard_page() reading checkpoints under `results_root`.
SampleSource sample_source(const std::filesystem::path& results_root, int64_t images = kDashboardSampleImages);

}  // namespace bokeh::reports
