// Per-epoch figures of an epoch row by name, and the best epoch (epoch_figures.h).
#include "reports/tables/epoch_figures.h"

#include <stdexcept>
#include <utility>

#include "common/result_figures.h"

namespace bokeh::reports {
namespace {

using orchestrator::EpochRecord;

// The fields of an epoch row by figure name.
const std::pair<const char*, double EpochRecord::*> kAlways[] = {
    {"train_loss", &EpochRecord::train_loss}, {"val_loss", &EpochRecord::val_loss}, {"gap", &EpochRecord::gap}};
const std::pair<const char*, std::optional<double> EpochRecord::*> kWhenComputed[] = {
    {"val_l1", &EpochRecord::val_l1},
    {"val_psnr", &EpochRecord::val_psnr},
    {"val_ssim", &EpochRecord::val_ssim},
    {"val_lpips", &EpochRecord::val_lpips}};

}  // namespace

std::vector<std::string> epoch_figure_names() {
  std::vector<std::string> names;
  for (const common::ResultFigure& f : common::result_figure_table()) {
    if (f.scope == common::FigureScope::PerEpoch) names.push_back(f.name);
  }
  return names;
}

std::optional<double> epoch_figure(const EpochRecord& epoch, const std::string& name) {
  for (const auto& [figure, field] : kAlways) {
    if (name == figure) return epoch.*field;
  }
  for (const auto& [figure, field] : kWhenComputed) {
    if (name == figure) return epoch.*field;
  }
  throw std::invalid_argument("no per-epoch figure named \"" + name + "\"");
}

const EpochRecord* best_epoch(const std::vector<EpochRecord>& epochs) {
  const EpochRecord* best = nullptr;
  for (const EpochRecord& e : epochs) {
    if (!best || e.val_loss < best->val_loss) best = &e;
  }
  return best;
}

}  // namespace bokeh::reports
