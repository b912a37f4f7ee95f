// The facts of an exported ONNX model that need no onnx header (reports/onnx/onnx_export.h builds it):
// its opset, what it comes from (the run and its sweep, the run's key and canonical settings JSON) and
// the metadata_props keys that name them.
#pragma once

#include <cstdint>
#include <string>

namespace bokeh::reports {

inline constexpr int64_t kOnnxOpset = 17;  // the newest opset of Debian's onnx 1.12 (IR version 8)

struct OnnxSource {
  std::string sweep, run, run_key, settings_json;
};

inline constexpr const char* kOnnxSettingsKey = "bokeh.settings";  // the run's canonical settings JSON
inline constexpr const char* kOnnxRunKeyKey = "bokeh.run_key";
inline constexpr const char* kOnnxSweepKey = "bokeh.sweep";
inline constexpr const char* kOnnxRunKey = "bokeh.run";
inline constexpr const char* kOnnxVersionKey = "bokeh.version";  // the exporting tool's version (BOKEH_VERSION)

}  // namespace bokeh::reports
