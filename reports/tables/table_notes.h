// The footnotes that keep a table honest: the conditions its numbers were measured under (data,
// resolution, pair counts, optimizer, schedule, precision, metric conventions), and a mark on every
// row that is a reading of the study rather than a transcription of it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/run_config.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/table.h"

namespace bokeh::reports {

// "Conditions: data ...; optimizer ...; learning rate ...; precision fp32; SSIM ...; PSNR ...; LPIPS ...".
// Settings that differ between the shown runs are listed per run.
std::string conditions_note(const std::optional<common::DataConfig>& data, const std::vector<const RunSummary*>& shown);

// For each row i < shown.size() whose run has a reading: " [rK]" appended to its first cell
// (K = 1, 2, ... in row order) and the footnote "[rK] NAME is a reading, not the study's print: READING".
void mark_readings(Table& table, const std::vector<const RunSummary*>& shown,
                   const std::map<std::string, std::string>& readings);

}  // namespace bokeh::reports
