// The registry of model modules by model.arch (one line per architecture), and parameter counts.
#include "training/models.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>
#include <string>

#include "common/model_arch.h"
#include "training/pynet.h"
#include "training/unet.h"

namespace bokeh::training {

BokehNet make_model(const common::ModelConfig& config) {
  using Maker = BokehNet (*)(const common::ModelConfig&);
  static const std::map<std::string, Maker> makers = {
      {"unet", [](const common::ModelConfig& c) -> BokehNet { return UNet(c); }},
      {"pynet", [](const common::ModelConfig& c) -> BokehNet { return PyNet(c); }},
  };
  const auto maker = makers.find(common::model_facts(config).name());  // an unknown arch throws here
  if (maker == makers.end())
    throw std::logic_error(fmt::format("model.arch \"{}\" has facts (common/) but no module here", config.arch));
  return maker->second(config);
}

int64_t parameter_count(torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

}  // namespace bokeh::training
