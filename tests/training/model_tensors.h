// Test helpers: a model's parameters and buffers in order, and whether two models hold equal ones.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "training/bokeh_net.h"

namespace bokeh::test {

inline std::vector<torch::Tensor> tensors_of(const training::BokehNet& model) {
  auto tensors = model->parameters();
  for (const auto& b : model->buffers()) tensors.push_back(b);
  return tensors;
}

inline bool same_tensors(const training::BokehNet& a, const training::BokehNet& b) {
  const auto x = tensors_of(a), y = tensors_of(b);
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (!torch::equal(x[i], y[i])) return false;
  return true;
}

}  // namespace bokeh::test
