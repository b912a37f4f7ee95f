// The model factory: the module of the run's model.arch (common/model_arch.h has its torch-free facts),
// built from the run's model settings.
#pragma once

#include "common/run_config.h"
#include "training/bokeh_net.h"

namespace bokeh::training {

// A freshly initialised module (drawing from torch's generator as its constructor does); throws
// std::invalid_argument for an unknown arch or impossible settings.
BokehNet make_model(const common::ModelConfig& config);

}  // namespace bokeh::training
