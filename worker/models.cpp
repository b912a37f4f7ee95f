// The registry of model modules by model.arch (one line per architecture), and parameter counts.
#include "worker/models.h"

#include <map>
#include <string>

#include "common/model_arch.h"
#include "worker/unet.h"

namespace bokeh::worker {

BokehNet make_model(const common::ModelConfig& config) {
  using Maker = BokehNet (*)(const common::ModelConfig&);
  static const std::map<std::string, Maker> makers = {
      {"unet", [](const common::ModelConfig& c) -> BokehNet { return UNet(c); }},
  };
  return makers.at(common::model_facts(config).name())(config);
}

int64_t parameter_count(torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

}  // namespace bokeh::worker
