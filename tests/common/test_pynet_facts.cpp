// PyNET's facts: parameters per part of model.py equal the counts recounted by hand from model.py (issue
// 34: 47,551,791 with a depth map, 47,550,639 RGB only), its descriptor and fingerprint part, its pooling
// factor and the size check naming it, FLOPs that scale with the pixels.
#include <catch2/catch.hpp>

#include <map>

#include "common/model_arch.h"
#include "common/pynet_facts.h"

using namespace bokeh::common;

namespace {
std::map<std::string, int64_t> parameters_by_part(int64_t width, int64_t input_channels) {
  std::map<std::string, int64_t> parts;
  for (const PyNetConv& conv : pynet_convs(width, input_channels)) parts[conv.part] += conv_parameters(conv);
  return parts;
}
}  // namespace

TEST_CASE("PyNET's parameters per part at width 32 are model.py's, with and without depth", "[pynet]") {
  // Issue 34's recount of model.py, part by part (the first encoder block sees 4 * 4 channels with depth).
  std::map<std::string, int64_t> expected = {{"encoder 1", 13'888},     {"encoder 2", 55'680},   {"encoder 3", 221'952},
                                             {"encoder 4", 886'272},    {"level 5", 20'080'131}, {"level 4", 7'682'307},
                                             {"level 3", 7'579'779},    {"level 2", 6'746'179},  {"level 1", 4'282'915},
                                             {"levels 0 and up", 2'688}};
  CHECK(parameters_by_part(32, 4) == expected);
  // RGB only: the first conv loses 4 input channels of 32 3x3 kernels.
  expected["encoder 1"] = 13'888 - 4 * 32 * 9;
  CHECK(parameters_by_part(32, 3) == expected);
  int64_t rgb = 0;
  for (const auto& [part, count] : expected) rgb += count;
  CHECK(rgb == 47'550'639);
  CHECK(rgb + 4 * 32 * 9 == 47'551'791);
  const ModelConfig config{32, 3, true, "pynet"};
  CHECK(model_facts(config).parameters(config) == 47'550'639);
  const ModelConfig with_depth{32, 3, true, "pynet", 4};
  CHECK(model_facts(with_depth).parameters(with_depth) == 47'551'791);
}

TEST_CASE("PyNET's narrow widths scale every level, level 0's maps a quarter of the width", "[pynet]") {
  const auto parts = parameters_by_part(4, 3);
  // Encoder 1 at width 4: 12 -> 4 -> 4 (3x3, bias); encoder 2: 4 -> 8 -> 8 with instance norms.
  CHECK(parts.at("encoder 1") == (12 * 4 * 9 + 4) + (4 * 4 * 9 + 4));
  CHECK(parts.at("encoder 2") == (4 * 8 * 9 + 8 + 16) + (8 * 8 * 9 + 8 + 16));
  // Level 0: a transposed conv 4 -> 1 (no bias), its head 1 -> 3; up: 3 -> 3 transposed, its head 3 -> 3.
  CHECK(parts.at("levels 0 and up") == 4 * 1 * 9 + (1 * 3 * 9 + 3) + 3 * 3 * 9 + (3 * 3 * 9 + 3));
  const ModelConfig width8{8, 3, true, "pynet"};
  CHECK(model_facts(width8).parameters(width8) == 2'984'901);
}

TEST_CASE("PyNET's descriptor, fingerprint part, pooling factor and size check", "[pynet]") {
  const ModelConfig config{8, 3, true, "pynet"};
  const ModelFacts& pynet = model_facts("pynet");
  CHECK(&model_facts(config) == &pynet);
  CHECK(model_descriptor(config) == nlohmann::json::parse(R"({"arch": "pynet", "width": 8})"));
  CHECK(model_fingerprint(config) == "pynet 8");
  CHECK(describe_model(model_descriptor(config)) == "PyNET width 8");
  CHECK(pynet.shape(config) == "PyNET width 8");
  CHECK(pynet.pooling_factor(config) == 64);
  CHECK_FALSE(pynet.size_problem(config, 64, 128));
  const auto problem = pynet.size_problem(config, 64, 96);
  REQUIRE(problem);
  CHECK(problem->setting == "model.arch");
  CHECK(problem->reason ==
        "data is 64x96: PyNET needs both sides to be multiples of 64 (a x0.5 downscale, "
        "space_to_depth(2) and 4 max-pools)");
  CHECK(pynet.size_problem(config, 32, 32));
  CHECK(pynet.columns().size() == 1);
  CHECK(pynet.columns()[0].setting == "model.width");
}

TEST_CASE("PyNET's FLOPs scale with the pixels (the count itself: training/test_pynet.cpp)", "[pynet]") {
  const ModelConfig config{4, 3, true, "pynet"};
  const ModelFacts& pynet = model_facts("pynet");
  CHECK(pynet.forward_flops(config, 128, 192) == Approx(6 * pynet.forward_flops(config, 64, 64)).epsilon(1e-12));
}

TEST_CASE("A depth model's descriptor names its input channels, an RGB one's stays as written", "[pynet]") {
  const ModelConfig rgb{8, 3, true, "pynet"};
  const ModelConfig with_depth{8, 3, true, "pynet", 4};
  CHECK(model_descriptor(with_depth) == nlohmann::json::parse(R"({"arch": "pynet", "width": 8, "input_channels": 4})"));
  CHECK(describe_model(model_descriptor(with_depth)) == "PyNET width 8, input channels 4");
  CHECK(model_descriptor(rgb) != model_descriptor(with_depth));  // a checkpoint of one refuses the other
  const ModelConfig unet{16, 2, true, "unet", 4};
  CHECK(describe_model(model_descriptor(unet)) == "U-Net width 16, depth 2, batch norm true, input channels 4");
  // A depth map adds 3 * 3 kernels of one more channel per map of the first conv: 2 * 9 FLOPs per output of it.
  const ModelFacts& pynet = model_facts("pynet");
  CHECK(pynet.forward_flops(with_depth, 64, 64) - pynet.forward_flops(rgb, 64, 64) == 4 * 8 * 9 * 2.0 * 16 * 16);
}
