// The export formats by name.
#include "reports/export/sweep_export.h"

#include <fmt/format.h>

#include "common/local_process.h"
#include "reports/export/export_output.h"
#include "reports/export/optuna_journal.h"
#include "reports/export/tensorboard_export.h"
#include "reports/tables/sweep_lookup.h"

namespace bokeh::reports {

std::vector<std::string> export_formats() { return {"tensorboard", "optuna"}; }

std::string export_sweep(const orchestrator::StoreReader& store, const common::ProtectedPaths& protect,
                         const std::string& sweep, const std::string& format, const std::filesystem::path& path) {
  orchestrator::SweepInfo info;
  try {
    info = sweep_or_latest(store, sweep);
  } catch (const ReportError& e) {  // no such sweep: bad input here
    throw ReportInputError(e.what());
  }
  if (format == "tensorboard") {
    write_export_folder(path, tensorboard_files(store, info, common::this_host()), protect);
  } else if (format == "optuna") {
    write_export_file(path, optuna_journal(store, info), protect);
  } else {
    throw ReportInputError(fmt::format("--export: unknown format \"{}\" (tensorboard or optuna)", format));
  }
  return info.name;
}

}  // namespace bokeh::reports
