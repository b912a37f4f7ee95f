// A trained model as an ONNX ModelProto (opset kOnnxOpset): input "image" (N, 3, H, W) float RGB in
// [0, 1], output "bokeh" of the same shape in (0, 1), batch, height and width dynamic; fp32 weights;
// the run's settings, key and this tool's version in its metadata. Checked with onnx's checker and
// strict shape inference (what onnx.checker.check_model(full_check=True) does) before it is written.
#pragma once

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <string>

#include "reports/onnx/onnx_source.h"
#include "training/bokeh_net.h"

namespace bokeh::reports {

// The checked model of `net` (any device, eval mode). ReportInputError for an arch the exporter does
// not know (it knows "unet"); std::runtime_error when onnx's checks fail (a bug of the exporter).
onnx::ModelProto onnx_model(training::BokehNet net, const OnnxSource& source);

// Writes `model` to `file` atomically; common::FileWriteError naming the file when it cannot.
void write_onnx(const onnx::ModelProto& model, const std::filesystem::path& file);

}  // namespace bokeh::reports
