// PyNET's module: parameters per part equal its facts' (and model.py's totals at width 32), its seven
// outputs' sizes, its FLOPs against a count of the convolutions its own forward runs, its init, and the
// factory building it.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string_view>

#include "common/model_arch.h"
#include "common/pynet_facts.h"
#include "training/convolution_flops.h"
#include "training/model_tensors.h"
#include "training/models.h"
#include "training/pynet.h"

using bokeh::common::ModelConfig;
using bokeh::training::PyNet;

namespace {

const ModelConfig kPyNet8{8, 3, true, "pynet"};

// The module's parameters summed by part, its top-level modules named as the facts name their parts.
std::map<std::string, int64_t> module_parts(PyNet& net) {
  std::map<std::string, int64_t> parts;
  for (const auto& item : net->named_parameters()) {
    const std::string top = item.key().substr(0, item.key().find('.'));  // "encoder1", "level5", "level0"
    const std::string part = top == "level0"                ? "levels 0 and up"
                             : top.rfind("encoder", 0) == 0 ? "encoder " + top.substr(7)
                                                            : "level " + top.substr(5);
    parts[part] += item.value().numel();
  }
  return parts;
}

std::map<std::string, int64_t> facts_parts(int64_t width, int64_t input_channels) {
  std::map<std::string, int64_t> parts;
  for (const auto& conv : bokeh::common::pynet_convs(width, input_channels))
    parts[conv.part] += bokeh::common::conv_parameters(conv);
  return parts;
}

}  // namespace

TEST_CASE("PyNET's module has model.py's parameters, part by part, at width 32 and narrower", "[pynet]") {
  torch::manual_seed(0);
  PyNet depth(ModelConfig{32, 3, true, "pynet", 4});
  CHECK(module_parts(depth) == facts_parts(32, 4));
  CHECK(bokeh::training::parameter_count(*depth) == 47'551'791);
  PyNet rgb(ModelConfig{32, 3, true, "pynet"});
  CHECK(module_parts(rgb) == facts_parts(32, 3));
  CHECK(bokeh::training::parameter_count(*rgb) == 47'550'639);
  for (int64_t width : {4, 6, 8}) {
    PyNet narrow(ModelConfig{width, 3, true, "pynet"});
    INFO("width " << width);
    CHECK(module_parts(narrow) == facts_parts(width, 3));
    CHECK(bokeh::training::parameter_count(*narrow) ==
          bokeh::common::model_facts("pynet").parameters(ModelConfig{width, 3, true, "pynet"}));
  }
}

TEST_CASE("PyNET keeps the input's size, its seven outputs going from 1/64 of it to full size", "[pynet]") {
  torch::manual_seed(1);
  PyNet net(kPyNet8);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::rand({2, 3, 64, 128});
  const auto outputs = net->levels(x);
  REQUIRE(outputs.size() == 7);
  for (size_t i = 0; i < outputs.size(); ++i) {
    const int64_t side = int64_t{1} << i;  // levels 5, 4, .. 1, 0, up
    CHECK(outputs[i].sizes() == torch::IntArrayRef({2, 3, side, 2 * side}));
    CHECK(outputs[i].min().item<float>() > -0.08f);
    CHECK(outputs[i].max().item<float>() < 1.08f);
  }
  CHECK(torch::equal(net->forward(x), outputs.back()));
}

TEST_CASE("PyNET's FLOPs from its facts are within 1% of the convolutions its forward runs", "[pynet]") {
  torch::manual_seed(2);
  for (int64_t width : {4, 8}) {
    const ModelConfig config{width, 3, true, "pynet"};
    PyNet net(config);
    torch::NoGradGuard no_grad;
    for (auto [h, w] : {std::pair<int64_t, int64_t>{64, 64}, {128, 192}}) {
      bokeh::test::ConvolutionFlops counter;
      net->levels(torch::rand({1, 3, h, w}));
      INFO("width " << width << ", " << h << "x" << w);
      // 4 + 5 + 5 + 7 + 7 blocks' branches, two convs each, + 8 transposed convs + 7 heads.
      CHECK(counter.convolutions() == static_cast<int64_t>(bokeh::common::pynet_convs(width, 3).size()));
      CHECK(bokeh::common::model_facts(config).forward_flops(config, h, w) == Approx(counter.flops()).epsilon(0.01));
    }
  }
}

TEST_CASE("PyNET's init: weights truncated normal (std 0.01, at 2 std), biases 0.01, norms identity", "[pynet]") {
  torch::manual_seed(3);
  PyNet net(kPyNet8);
  std::vector<torch::Tensor> weights;  // every conv's and transposed conv's
  for (const torch::Tensor& p : net->parameters())
    if (p.dim() == 4) weights.push_back(p.flatten());
  const torch::Tensor all = torch::cat(weights);
  CHECK(all.abs().max().item<double>() <= 0.02);
  CHECK(all.std().item<double>() == Approx(0.01 * 0.8796).epsilon(0.02));  // a N(0, 1) cut at 2: std 0.8796
  for (const auto& module : net->modules(false)) {
    if (const auto* conv = module->as<torch::nn::Conv2dImpl>()) CHECK(torch::all(conv->bias == 0.01f).item<bool>());
    if (const auto* norm = module->as<torch::nn::InstanceNorm2dImpl>()) {
      CHECK(torch::all(norm->weight == 1).item<bool>());
      CHECK(torch::all(norm->bias == 0).item<bool>());
      CHECK(norm->options.eps() == 1e-3);
    }
  }
}

TEST_CASE("make_model builds PyNET for model.arch pynet, draw for draw", "[pynet]") {
  torch::manual_seed(4);
  const PyNet direct(kPyNet8);
  const float next_direct = torch::rand({1}).item<float>();
  torch::manual_seed(4);
  const bokeh::training::BokehNet made = bokeh::training::make_model(kPyNet8);
  CHECK(torch::rand({1}).item<float>() == next_direct);
  CHECK(bokeh::test::same_tensors(direct, made));
  CHECK(made->config().arch == "pynet");
}

// Run by tests/training/pynet_port_check.sh (ctest training/pynet-forward-matches-pytorch-port), not on
// its own: a width-4 PyNET with weights redrawn large enough that every output varies, its input and its
// seven outputs, written for bench/pynet_port.py to run the same weights through the PyTorch port.
TEST_CASE("PyNET's weights, input and outputs for the PyTorch port", "[.pynet_port]") {
  const char* file = std::getenv("BOKEH_PYNET_PORT_FILE");
  REQUIRE(file != nullptr);
  torch::manual_seed(5);
  PyNet net(ModelConfig{4, 3, true, "pynet"});
  net->eval();
  torch::NoGradGuard no_grad;
  c10::Dict<std::string, torch::Tensor> export_;
  for (const auto& item : net->named_parameters()) {
    torch::Tensor p = item.value();
    if (p.dim() == 4)
      p.normal_(0,
                1.0 / std::sqrt(static_cast<double>(p[0].numel())));  // per output (input) map of a (transposed) conv
    else if (item.key().find("weight") != std::string::npos)
      p.uniform_(0.5, 1.5);  // instance norm scales
    else
      p.normal_(0, 0.1);  // biases and instance norm shifts
    export_.insert("param." + item.key(), p.clone());
  }
  const torch::Tensor x = torch::rand({2, 3, 128, 128});
  const auto outputs = net->levels(x);
  for (size_t i = 0; i < outputs.size(); ++i) {
    INFO("output " << i);
    if (i > 1) CHECK(outputs[i].std().item<double>() > 0.02);  // levels 5 and 4 are 2x2 and 4x4
    export_.insert("output." + std::to_string(i), outputs[i]);
  }
  export_.insert("input", x);
  export_.insert("width", torch::tensor(4));
  export_.insert("input_channels", torch::tensor(3));
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(export_));
  std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
