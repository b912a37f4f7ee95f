// Size and cost of a planned run: the model's parameter count and the training FLOPs estimate the
// coordinator schedules by (longest first) and `sweep --dry-run` prints.
#pragma once

#include <cstdint>

#include "common/run_config.h"

namespace bokeh::orchestrator {

// Trainable parameters of the model (its facts' closed form; exact, as Table 1 prints).
int64_t model_parameters(const common::ModelConfig& model);

// Estimated FLOPs of a whole run at the data's resolution: forward FLOPs per image x 3 (forward
// and backward) x train pairs x epochs, plus forward FLOPs x validation pairs x epochs.
double training_flops(const common::ModelConfig& model, const common::DataConfig& data, int64_t epochs);

}  // namespace bokeh::orchestrator
