// Parameter counts and the training-FLOPs estimate, from the U-Net's closed forms (common/unet_size.h).
#include "orchestrator/plan/run_cost.h"

#include "common/unet_size.h"

namespace bokeh::orchestrator {

int64_t model_parameters(const common::ModelConfig& model) { return common::unet_parameters(model); }

double training_flops(const common::ModelConfig& model, const common::DataConfig& data, int64_t epochs) {
  const double forward = common::forward_flops(model, data.height, data.width);
  return forward * static_cast<double>(epochs) *
         (3.0 * static_cast<double>(data.train_pairs) + static_cast<double>(data.val_pairs));
}

}  // namespace bokeh::orchestrator
