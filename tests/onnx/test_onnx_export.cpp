// build/export and the ONNX model it writes, read back with onnx's own library: the U-Net's ops
// counted by hand per depth, opset, dynamic sides and metadata, onnx's checker on the bytes written;
// bad input refused with one line and status 2, nothing written.
#include <catch2/catch.hpp>

#include <onnx/checker.h>

#include <fstream>
#include <map>

#include "bokeh_version.h"
#include "common/checkpoint_files.h"
#include "onnx/onnx_fixture.h"
#include "reports/onnx/onnx_export.h"
#include "reports/tables/report_error.h"
#include "store/results_layout.h"
#include "training/unet.h"

using namespace bokeh;

namespace {

onnx::ModelProto read_model(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  onnx::ModelProto model;
  REQUIRE(model.ParseFromIstream(&in));
  return model;
}

std::map<std::string, int> op_counts(const onnx::ModelProto& model) {
  std::map<std::string, int> counts;
  for (const onnx::NodeProto& node : model.graph().node()) ++counts[node.op_type()];
  return counts;
}

// A module of another arch: what the exporter must refuse by its name.
class OtherArchImpl : public training::BokehNetImpl {
 public:
  torch::Tensor forward(torch::Tensor x) override { return x; }
  const common::ModelConfig& config() const override { return config_; }

 private:
  common::ModelConfig config_{8, 2, true, "pynet"};
};

}  // namespace

TEST_CASE("A U-Net's graph has its convs, norms, pools, upsamplings, pads and concats, counted by depth", "[onnx]") {
  for (int64_t depth = 1; depth <= 5; ++depth) {
    for (const bool batch_norm : {true, false}) {
      INFO("depth " << depth << ", batch norm " << batch_norm);
      torch::manual_seed(2);
      training::UNet net(common::ModelConfig{4, depth, batch_norm});
      net->eval();
      const onnx::ModelProto model = reports::onnx_model(net, {"s", "r", "k", "{}"});
      const int blocks = static_cast<int>(2 * depth - 1);  // encoders + decoders, two convs each
      std::map<std::string, int> expected{{"Conv", 2 * blocks + 1}, {"Relu", 2 * blocks}, {"Sigmoid", 1}};
      if (batch_norm) expected["BatchNormalization"] = 2 * blocks;
      if (depth > 1) {
        const int ups = static_cast<int>(depth - 1);
        // Per decoder level: ConvTranspose, then the pad's two Shapes, two Subs, a Div and a Concat of
        // the pads, the Pad, and the Concat of up and skip.
        for (const char* op : {"MaxPool", "ConvTranspose", "Pad", "Div"}) expected[op] = ups;
        expected["Shape"] = expected["Sub"] = expected["Concat"] = 2 * ups;
      }
      CHECK(op_counts(model) == expected);
      // Every parameter and running statistic is an initializer: fp32 values as many as the module has.
      int64_t stored = 0;
      for (const onnx::TensorProto& t : model.graph().initializer())
        if (t.data_type() == onnx::TensorProto::FLOAT) stored += static_cast<int64_t>(t.raw_data().size() / 4);
      int64_t expected_values = training::parameter_count(*net);
      for (const torch::Tensor& buffer : net->buffers())
        if (buffer.is_floating_point()) expected_values += buffer.numel();
      CHECK(stored == expected_values);
    }
  }
}

TEST_CASE("build/export writes a checked model with opset 17, dynamic sides and the run's metadata", "[onnx]") {
  const test::TrainedSweep sweep;
  const std::filesystem::path file = sweep.dir.path() / "models" / "best.onnx";  // its folder is made
  const test::ToolResult exported = sweep.export_run("best", file);
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  const onnx::ModelProto model = read_model(file);
  CHECK_NOTHROW(onnx::checker::check_model(model));
  REQUIRE(model.opset_import_size() == 1);
  CHECK(model.opset_import(0).domain().empty());
  CHECK(model.opset_import(0).version() == 17);
  CHECK(model.producer_version() == BOKEH_VERSION);
  std::map<std::string, std::string> metadata;
  for (const auto& entry : model.metadata_props()) metadata[entry.key()] = entry.value();
  const reports::RunSummary& best = reports::find_run(sweep.runs, "best", "onnx");
  const orchestrator::StoreReader store = reports::open_store(sweep.db);
  CHECK(metadata == std::map<std::string, std::string>{{"bokeh.settings", store.run(best.id).config_json},
                                                       {"bokeh.run_key", best.key},
                                                       {"bokeh.sweep", "onnx"},
                                                       {"bokeh.run", best.name},
                                                       {"bokeh.version", BOKEH_VERSION}});
  for (const onnx::ValueInfoProto& value : {model.graph().input(0), model.graph().output(0)}) {
    const auto& dims = value.type().tensor_type().shape().dim();
    REQUIRE(dims.size() == 4);
    CHECK(dims[0].dim_param() == "batch");
    CHECK(dims[1].dim_value() == 3);
    CHECK(dims[2].dim_param() == "height");
    CHECK(dims[3].dim_param() == "width");
  }
  CHECK(model.graph().input(0).name() == "image");
  CHECK(model.graph().output(0).name() == "bokeh");
}

TEST_CASE("build/export refuses bad input with one line and status 2, writing nothing", "[onnx]") {
  const test::TrainedSweep sweep;
  const std::string run = sweep.runs.front().name;
  const std::filesystem::path out = sweep.dir.path() / "out.onnx";
  std::filesystem::create_directories(sweep.dir.path() / "folder.onnx");
  std::filesystem::remove(orchestrator::run_checkpoint_dir(sweep.dir.path(), "onnx", sweep.runs.back().key) /
                          common::kBestWeights);
  const std::string db = "--db '" + sweep.db + "'";
  const std::string to = " '" + out.string() + "'";
  const std::vector<std::pair<std::string, std::string>> cases{
      {db + " --sweep nosuch" + to, "no sweep named \"nosuch\""},
      {db + " --sweep onnx --run nosuch" + to, "has no run named \"nosuch\""},
      {db + " --sweep onnx --run '" + sweep.runs.back().name + "'" + to, "has no best weights"},
      {db + " --sweep onnx --run '" + run + "' '" + (sweep.dir.path() / "folder.onnx").string() + "'",
       "it is a directory"},
      {db + " --sweep onnx --run '" + run + "' /proc/model.onnx", "cannot write /proc/model.onnx"},
      {db + " --sweep onnx --run '" + run + "' '" + sweep.db + "'", "results database"},
      {db + " --sweep onnx --format tflite" + to, "--format"},
  };
  for (const auto& [arguments, says] : cases) {
    INFO(arguments);
    const test::ToolResult r = test::run_tool(sweep.dir, "export", arguments);
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.rfind("export: ", 0) == 0);
    CHECK(r.err.find(says) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK(std::filesystem::is_empty(sweep.dir.path() / "folder.onnx"));
}

TEST_CASE("A model of an arch the exporter does not know is refused by its name", "[onnx]") {
  const training::BokehNet other(std::make_shared<OtherArchImpl>());
  CHECK_THROWS_AS(reports::onnx_model(other, {"demo", "w8", "k", "{}"}), reports::ReportInputError);
  CHECK_THROWS_WITH(reports::onnx_model(other, {"demo", "w8", "k", "{}"}),
                    Catch::Equals("run \"w8\" of sweep demo is a model.arch pynet model; the ONNX exporter "
                                  "knows unet"));
}

TEST_CASE("build/export --help names the format, its input and output", "[onnx]") {
  const test::TempDir dir;
  const test::ToolResult help = test::run_tool(dir, "export", "--help");
  CHECK(help.status == 0);
  for (const char* part : {"--format", "opset 17", "\"image\"", "\"bokeh\"", "--sweep", "--run", "--db"}) {
    INFO(part);
    CHECK(help.out.find(part) != std::string::npos);
  }
}
