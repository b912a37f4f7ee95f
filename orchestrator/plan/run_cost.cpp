// Parameter counts and the training-FLOPs estimate, from the model's facts (common/model_arch.h).
#include "orchestrator/plan/run_cost.h"

#include "common/model_arch.h"

namespace bokeh::orchestrator {

int64_t model_parameters(const common::ModelConfig& model) { return common::model_facts(model).parameters(model); }

double training_flops(const common::ModelConfig& model, const common::DataConfig& data, int64_t epochs) {
  const double forward = common::model_facts(model).forward_flops(model, data.height, data.width);
  return forward * static_cast<double>(epochs) *
         (3.0 * static_cast<double>(data.train_pairs) + static_cast<double>(data.val_pairs));
}

}  // namespace bokeh::orchestrator
