// Parameter counts (by building the U-Net once per shape) and the training-FLOPs estimate.
#include "orchestrator/run_cost.h"

#include <map>
#include <mutex>
#include <tuple>

#include "worker/unet.h"

namespace bokeh::orchestrator {

int64_t model_parameters(const worker::ModelConfig& model) {
  static std::mutex mutex;
  static std::map<std::tuple<int64_t, int64_t, bool>, int64_t> counts;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto shape = std::make_tuple(model.width, model.depth, model.batch_norm);
  auto it = counts.find(shape);
  if (it == counts.end()) {
    worker::UNet net(model);
    it = counts.emplace(shape, worker::parameter_count(*net)).first;
  }
  return it->second;
}

double training_flops(const worker::ModelConfig& model, const worker::DataConfig& data, int64_t epochs) {
  const double forward = worker::forward_flops(model, data.height, data.width);
  return forward * static_cast<double>(epochs) *
         (3.0 * static_cast<double>(data.train_pairs) + static_cast<double>(data.val_pairs));
}

}  // namespace bokeh::orchestrator
