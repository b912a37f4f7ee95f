// build/export's models in the real runtime: onnxruntime (tests/onnx/run_onnxruntime.py, in its own
// venv) renders photos of several sizes as libtorch's forward pass of the same best weights does,
// for U-Nets of depth 2 to 5 with and without batch norm, and reads back the metadata we wrote.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "bokeh_version.h"
#include "onnx/onnx_fixture.h"
#include "store/results_layout.h"
#include "training/checkpoint.h"

using namespace bokeh;

namespace {

void write_floats(const std::filesystem::path& file, const torch::Tensor& tensor) {
  const torch::Tensor values = tensor.contiguous();
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(values.data_ptr<float>()), values.numel() * sizeof(float));
}

torch::Tensor read_floats(const std::filesystem::path& file, at::IntArrayRef shape) {
  torch::Tensor values = torch::empty(shape);
  std::ifstream(file, std::ios::binary)
      .read(reinterpret_cast<char*>(values.data_ptr<float>()), values.numel() * sizeof(float));
  return values;
}

}  // namespace

TEST_CASE(
    "onnxruntime renders photos of four sizes as libtorch does, every depth, with and without batch norm and "
    "attention gates",
    "[onnx][onnxruntime]") {
  const std::filesystem::path python = test::onnxruntime_python();
  const test::TrainedSweep sweep;
  REQUIRE(sweep.runs.size() == 10);
  // 64x96, 96x64, 128x128 and 37x53, whose odd sides make the U-Net pad its upsampled maps.
  torch::manual_seed(11);
  const std::vector<torch::Tensor> photos{torch::rand({1, 3, 64, 96}), torch::rand({1, 3, 96, 64}),
                                          torch::rand({1, 3, 128, 128}), torch::rand({2, 3, 37, 53})};
  std::set<std::pair<int64_t, bool>> shapes, gated;
  for (const reports::RunSummary& run : sweep.runs) {
    INFO("run " << run.name);
    (run.model.attention ? gated : shapes).insert({run.model.depth, run.model.batch_norm});
    const std::filesystem::path model = sweep.dir.path() / (run.name + ".onnx");
    const test::ToolResult exported = sweep.export_run(run.name, model);
    INFO(exported.err);
    REQUIRE(exported.status == 0);
    CHECK(exported.out ==
          fmt::format("{}: run {} of sweep onnx (U-Net width 4, depth {}, batch norm {}{}), ONNX opset 17\n",
                      model.string(), run.name, run.model.depth, run.model.batch_norm,
                      run.model.attention ? ", attention true" : ""));
    std::string arguments;
    for (size_t i = 0; i < photos.size(); ++i) {
      const std::filesystem::path input = sweep.dir.path() / fmt::format("{}-{}.bin", run.name, i);
      write_floats(input, photos[i]);
      arguments += fmt::format(" '{}:{}'", input.string(), fmt::join(photos[i].sizes(), ","));
    }
    const test::CommandResult ran =
        test::run_command(fmt::format("'{}' '{}/tests/onnx/run_onnxruntime.py' '{}'{}", python.string(),
                                      BOKEH_SOURCE_DIR, model.string(), arguments));
    INFO(ran.output);
    REQUIRE(ran.status == 0);

    training::BokehNet net =
        training::load_best_model(orchestrator::run_checkpoint_dir(sweep.dir.path(), "onnx", run.key), run.model);
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < photos.size(); ++i) {
      INFO("photo " << photos[i].sizes());
      const torch::Tensor expected = net->forward(photos[i]);
      const torch::Tensor got =
          read_floats(sweep.dir.path() / fmt::format("{}-{}.bin.out", run.name, i), photos[i].sizes());
      CHECK((got - expected).abs().max().item<float>() <= 1e-4f);
    }

    // What onnxruntime reads of the model: our metadata, and image -> bokeh with dynamic sides.
    const nlohmann::json seen = nlohmann::json::parse(ran.output.substr(ran.output.rfind("\n{") + 1));
    const orchestrator::StoreReader store = reports::open_store(sweep.db);
    CHECK(seen["metadata"]["bokeh.settings"] == store.run(run.id).config_json);
    CHECK(seen["metadata"]["bokeh.run_key"] == run.key);
    CHECK(seen["metadata"]["bokeh.run"] == run.name);
    CHECK(seen["metadata"]["bokeh.sweep"] == "onnx");
    CHECK(seen["metadata"]["bokeh.version"] == BOKEH_VERSION);
    for (const char* side : {"inputs", "outputs"}) {
      REQUIRE(seen[side].size() == 1);
      CHECK(seen[side][0]["shape"] == nlohmann::json::parse(R"(["batch", 3, "height", "width"])"));
      CHECK(seen[side][0]["type"] == "tensor(float)");
    }
    CHECK(seen["inputs"][0]["name"] == "image");
    CHECK(seen["outputs"][0]["name"] == "bokeh");
  }
  CHECK(shapes == std::set<std::pair<int64_t, bool>>{
                      {2, false}, {2, true}, {3, false}, {3, true}, {4, false}, {4, true}, {5, false}, {5, true}});
  CHECK(gated == std::set<std::pair<int64_t, bool>>{{3, true}, {4, false}});
}
