// The model-facts registry: the U-Net's descriptor, fingerprint part, pooling factor and size check as the
// checkpoints, trainer, render and spec used them before the interface; unknown archs refused naming the
// known ones; a table's model columns with one arch and (a test-only arch) with two.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "common/model_arch.h"

using namespace bokeh::common;

TEST_CASE("the U-Net's descriptor, fingerprint part and message shape", "[model_arch]") {
  const ModelConfig config{32, 3, true};
  CHECK(model_archs().front()->name() == "unet");
  CHECK(&model_facts(config) == &model_facts("unet"));
  CHECK(model_descriptor(config) ==
        nlohmann::json::parse(R"({"arch": "unet", "width": 32, "depth": 3, "batch_norm": true})"));
  // The fingerprint's model part as the trainer wrote it before model.arch: "model {width} {depth} {bn}".
  CHECK(model_fingerprint(config) == "32 3 true");
  CHECK(model_fingerprint(ModelConfig{8, 2, false}) == "8 2 false");
  CHECK(model_facts(config).shape(config) == "U-Net width 32, depth 3");
  CHECK(describe_model(model_descriptor(ModelConfig{4, 2, false})) == "U-Net width 4, depth 2, batch norm false");
  CHECK(describe_model(nlohmann::json::parse(R"({"arch": "resnet", "width": 32})")) == "resnet width 32");
}

TEST_CASE("an unknown arch is refused naming the known ones", "[model_arch]") {
  CHECK_THROWS_AS(model_facts("resnet"), std::invalid_argument);
  CHECK_THROWS_WITH(model_facts("resnet"), "unknown model.arch \"resnet\" (known: unet, pynet)");
}

TEST_CASE("the U-Net's pooling factor and depth check: depth - 1 halvings", "[model_arch]") {
  const ModelFacts& unet = model_facts("unet");
  CHECK(unet.pooling_factor(ModelConfig{8, 1, true}) == 1);
  CHECK(unet.pooling_factor(ModelConfig{8, 4, true}) == 8);
  CHECK_FALSE(unet.size_problem(ModelConfig{8, 4, true}, 8, 9));
  const auto problem = unet.size_problem(ModelConfig{8, 4, true}, 7, 64);
  REQUIRE(problem);
  CHECK(problem->setting == "model.depth");
  CHECK(problem->reason == "data is 7x64: its 3 halvings need both sides >= 8");
  CHECK(halving_problem(63, 1024, 1024) == "data is 1024x1024: its 62 halvings need both sides >= 2^61");
}

namespace {
// An arch for this test only: one column shared with the U-Net (Width), one of its own.
class TestArch final : public ModelFacts {
 public:
  std::string name() const override { return "test"; }
  std::string title() const override { return "Test"; }
  std::vector<std::string> settings() const override { return {"model.width"}; }
  std::string shape(const ModelConfig&) const override { return "Test"; }
  int64_t parameters(const ModelConfig&) const override { return 0; }
  std::vector<ModelPart> parameter_parts(const ModelConfig&) const override { return {}; }
  double forward_flops(const ModelConfig&, int64_t, int64_t) const override { return 0; }
  int64_t pooling_factor(const ModelConfig&) const override { return 1; }
  int64_t receptive_radius(const ModelConfig&) const override { return 0; }
  std::optional<SizeProblem> size_problem(const ModelConfig&, int64_t, int64_t) const override { return {}; }
  std::vector<ModelColumn> columns() const override { return {{"Width", "model.width"}, {"Levels", "model.depth"}}; }
};

std::vector<std::string> headers(const std::vector<ModelColumn>& columns) {
  std::vector<std::string> out;
  for (const ModelColumn& c : columns) out.push_back(c.header);
  return out;
}
}  // namespace

TEST_CASE("a table shows an Arch column only when its rows hold more than one arch", "[model_arch]") {
  const ModelFacts* unet = &model_facts("unet");
  const TestArch test;
  using Headers = std::vector<std::string>;
  CHECK(headers(table_model_columns({unet, unet, unet})) == Headers{"B_norm", "Width", "Depth"});
  CHECK(headers(table_model_columns({})).empty());
  CHECK(headers(table_model_columns({unet, &test, unet})) == Headers{"Arch", "B_norm", "Width", "Depth", "Levels"});
  CHECK(headers(table_model_columns({&test, unet})) == Headers{"Arch", "Width", "Levels", "B_norm", "Depth"});
  CHECK(table_model_columns({&test, unet}).front().setting == "model.arch");
}
