// ReduceLROnPlateau with PyTorch's exact semantics for mode "min" and threshold_mode "rel":
// the learning rate is multiplied by `factor` once the validation loss has failed to improve by a
// relative `threshold` for more than `patience` epochs, then `cooldown` epochs are ignored.
#pragma once

#include <cstdint>

#include "common/run_config.h"

namespace bokeh::training {

// Everything the scheduler remembers between epochs (PyTorch's state_dict minus the constants).
struct PlateauState {
  double best;                   // best metric so far (+inf before the first step)
  int64_t num_bad_epochs = 0;    // consecutive epochs without a relative improvement
  int64_t cooldown_counter = 0;  // epochs left in which bad epochs are not counted
  int64_t last_epoch = 0;        // number of step() calls so far
};

class PlateauScheduler {
 public:
  // PyTorch skips a reduction whose size (old lr - new lr) is not above this.
  static constexpr double kEps = 1e-8;

  // Throws std::invalid_argument for factor outside [0, 1), negative patience/cooldown/threshold/min_lr.
  explicit PlateauScheduler(const common::SchedulerConfig& config);

  // One epoch's validation loss; returns the learning rate for the next epoch given the current one.
  double step(double metric, double lr);

  const PlateauState& state() const { return state_; }
  void restore(const PlateauState& state) { state_ = state; }

 private:
  bool is_better(double metric) const;

  common::SchedulerConfig config_;
  PlateauState state_;
};

}  // namespace bokeh::training
