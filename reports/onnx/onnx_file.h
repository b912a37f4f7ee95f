// `export --format onnx`'s work without libtorch or onnx headers (so export's main includes neither): a
// run's best weights written as a checked ONNX model file (reports/onnx/onnx_export.h says what it holds).
#pragma once

#include <filesystem>

#include "common/run_config.h"
#include "reports/onnx/onnx_source.h"

namespace bokeh::reports {

// Loads best.pt from `checkpoint_dir` (the model `config` names), builds and checks its ONNX model and
// writes it to `file` atomically. Throws ReportInputError for an arch the exporter does not know,
// common::FileWriteError when `file` cannot be written, std::runtime_error otherwise.
void export_onnx_file(const std::filesystem::path& checkpoint_dir, const common::ModelConfig& config,
                      const OnnxSource& source, const std::filesystem::path& file);

}  // namespace bokeh::reports
