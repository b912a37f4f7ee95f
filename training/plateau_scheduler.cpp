// ReduceLROnPlateau, step for step as torch.optim.lr_scheduler.ReduceLROnPlateau.step does it.
#include "training/plateau_scheduler.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace bokeh::training {

PlateauScheduler::PlateauScheduler(const common::SchedulerConfig& config) : config_(config) {
  if (!(config.factor >= 0.0 && config.factor < 1.0))
    throw std::invalid_argument("scheduler.factor must be in [0, 1), got " + std::to_string(config.factor));
  if (config.patience < 0 || config.cooldown < 0)
    throw std::invalid_argument("scheduler.patience and scheduler.cooldown must be >= 0");
  if (!(config.threshold >= 0.0) || !(config.min_lr >= 0.0))
    throw std::invalid_argument("scheduler.threshold and scheduler.min_lr must be >= 0");
  state_.best = std::numeric_limits<double>::infinity();
}

// mode "min", threshold_mode "rel": better when a < best * (1 - threshold). NaN is never better.
bool PlateauScheduler::is_better(double metric) const { return metric < state_.best * (1.0 - config_.threshold); }

double PlateauScheduler::step(double metric, double lr) {
  ++state_.last_epoch;
  if (is_better(metric)) {
    state_.best = metric;
    state_.num_bad_epochs = 0;
  } else {
    ++state_.num_bad_epochs;
  }
  if (state_.cooldown_counter > 0) {  // bad epochs during cooldown are ignored
    --state_.cooldown_counter;
    state_.num_bad_epochs = 0;
  }
  if (state_.num_bad_epochs > config_.patience) {
    const double reduced = std::max(lr * config_.factor, config_.min_lr);
    if (lr - reduced > kEps) lr = reduced;
    state_.cooldown_counter = config_.cooldown;
    state_.num_bad_epochs = 0;
  }
  return lr;
}

}  // namespace bokeh::training
