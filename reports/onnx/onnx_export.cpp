// The ONNX model of a trained run: graph, inputs and outputs, metadata, checks, the atomic write.
#include "reports/onnx/onnx_export.h"

#include <fmt/format.h>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <stdexcept>

#include "bokeh_version.h"
#include "common/atomic_file.h"
#include "reports/onnx/onnx_file.h"
#include "reports/onnx/unet_onnx.h"
#include "training/checkpoint.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

constexpr const char* kInput = "image";
constexpr const char* kOutput = "bokeh";

// A float (batch, 3, height, width) value with those symbolic dimensions.
void describe_image(onnx::ValueInfoProto& value, const std::string& name, const std::string& doc) {
  value.set_name(name);
  value.set_doc_string(doc);
  onnx::TypeProto::Tensor* tensor = value.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto* shape = tensor->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  shape->add_dim()->set_dim_value(3);
  shape->add_dim()->set_dim_param("height");
  shape->add_dim()->set_dim_param("width");
}

void add_metadata(onnx::ModelProto& model, const std::string& key, const std::string& value) {
  onnx::StringStringEntryProto* entry = model.add_metadata_props();
  entry->set_key(key);
  entry->set_value(value);
}

// onnx.checker.check_model(model, full_check=True): the checker, then shape inference that fails on
// any node it cannot infer and on any type mismatch.
void check_fully(const onnx::ModelProto& model) {
  try {
    onnx::checker::check_model(model);
    onnx::ModelProto inferred = model;
    onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict_mode=*/1));
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("the exported model fails onnx's checks: {}", e.what()));
  }
}

}  // namespace

onnx::ModelProto onnx_model(training::BokehNet net, const OnnxSource& source) {
  const std::string& arch = net->config().arch;
  if (arch != "unet")
    throw ReportInputError(fmt::format("run \"{}\" of sweep {} is a model.arch {} model; the ONNX exporter knows unet",
                                       source.run, source.sweep, arch));
  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION);
  model.set_producer_name("bokeh-sweep export");
  model.set_producer_version(BOKEH_VERSION);
  model.set_doc_string(
      fmt::format("Bokeh rendering: run \"{}\" of sweep {}, best weights (best.pt)", source.run, source.sweep));
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  add_metadata(model, kOnnxSettingsKey, source.settings_json);
  add_metadata(model, kOnnxRunKeyKey, source.run_key);
  add_metadata(model, kOnnxSweepKey, source.sweep);
  add_metadata(model, kOnnxRunKey, source.run);
  add_metadata(model, kOnnxVersionKey, BOKEH_VERSION);

  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name("bokeh_" + arch);
  describe_image(*graph->add_input(), kInput, "photo, RGB in [0, 1], NCHW");
  describe_image(*graph->add_output(), kOutput, "its bokeh rendering, RGB in (0, 1), NCHW, the input's size");
  torch::NoGradGuard no_grad;
  OnnxGraph builder(*graph);
  add_unet(builder, *net.ptr(), kInput, kOutput);
  check_fully(model);
  return model;
}

void write_onnx(const onnx::ModelProto& model, const std::filesystem::path& file) {
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    throw std::runtime_error(fmt::format("cannot serialize the ONNX model for {}", file.string()));
  common::write_file_atomically(file, bytes);
}

void export_onnx_file(const std::filesystem::path& checkpoint_dir, const common::ModelConfig& config,
                      const OnnxSource& source, const std::filesystem::path& file) {
  write_onnx(onnx_model(training::load_best_model(checkpoint_dir, config), source), file);
}

}  // namespace bokeh::reports
