// Event, Summary, SummaryMetadata, TensorProto and the HParams messages, field by field.
#include "reports/export/tensorboard_events.h"

#include <algorithm>

#include "reports/export/protobuf_writer.h"

namespace bokeh::reports {
namespace {

using nlohmann::json;

// Event (event.proto).
constexpr int kEventWallTime = 1, kEventStep = 2, kEventFileVersion = 3, kEventSummary = 5;
// Summary (summary.proto): value = 1; Summary.Value: tag = 1, simple_value = 2, tensor = 8, metadata = 9.
constexpr int kSummaryValue = 1, kValueTag = 1, kValueSimple = 2, kValueTensor = 8, kValueMetadata = 9;
// SummaryMetadata: plugin_data = 1; PluginData: plugin_name = 1, content = 2.
constexpr int kMetadataPluginData = 1, kPluginName = 1, kPluginContent = 2;
// TensorProto (tensor.proto): dtype = 1 (DT_FLOAT = 1), tensor_shape = 2; TensorShapeProto: dim = 2.
constexpr int kTensorDtype = 1, kTensorShape = 2, kShapeDim = 2, kDtFloat = 1;
// HParamsPluginData (plugin_data.proto): version = 1, experiment = 2, session_start_info = 3,
// session_end_info = 4; SessionStartInfo: hparams = 1 (map), start_time_secs = 5; SessionEndInfo: status = 1,
// end_time_secs = 2.
constexpr int kPluginVersion = 1, kPluginExperiment = 2, kPluginSessionStart = 3, kPluginSessionEnd = 4;
constexpr int kStartHParams = 1, kStartTime = 5, kEndStatus = 1, kEndTime = 2;
// Experiment (api.proto): time_created_secs = 3, hparam_infos = 4, metric_infos = 5. HParamInfo: name = 1,
// type = 4 (DataType), domain_discrete = 5 (ListValue), domain_interval = 6 (Interval: min_value = 1,
// max_value = 2), differs = 7. MetricInfo: name = 1 (MetricName: group = 1, tag = 2).
constexpr int kExperimentTime = 3, kExperimentHParams = 4, kExperimentMetrics = 5;
constexpr int kInfoName = 1, kInfoType = 4, kInfoDiscrete = 5, kInfoInterval = 6, kInfoDiffers = 7;
constexpr int kIntervalMin = 1, kIntervalMax = 2;
constexpr int kMetricName = 1, kMetricTag = 2;
enum DataType { kDataString = 1, kDataBool = 2, kDataFloat64 = 3 };
// google.protobuf.Value (struct.proto): number_value = 2, string_value = 3, bool_value = 4;
// ListValue: values = 1; a map entry: key = 1, value = 2.
constexpr int kNumberValue = 2, kStringValue = 3, kBoolValue = 4, kListValues = 1, kMapKey = 1, kMapValue = 2;

const char* const kHParamsPlugin = "hparams";
const char* const kExperimentTag = "_hparams_/experiment";
const char* const kSessionStartTag = "_hparams_/session_start_info";
const char* const kSessionEndTag = "_hparams_/session_end_info";

ProtoMessage event_header(double wall_time, int64_t step) {
  ProtoMessage event;
  event.float64(kEventWallTime, wall_time);
  if (step != 0) event.int64(kEventStep, step);
  return event;
}

ProtoMessage protobuf_value(const json& value) {
  ProtoMessage out;
  if (value.is_number()) return out.float64(kNumberValue, value.get<double>());
  if (value.is_boolean()) return out.boolean(kBoolValue, value.get<bool>());
  return out.bytes(kStringValue, value.is_string() ? value.get<std::string>() : value.dump());
}

DataType data_type(const std::vector<json>& values) {
  if (std::all_of(values.begin(), values.end(), [](const json& v) { return v.is_number(); })) return kDataFloat64;
  if (std::all_of(values.begin(), values.end(), [](const json& v) { return v.is_boolean(); })) return kDataBool;
  return kDataString;
}

// An HParamsPluginData summary: the tag, the plugin's metadata with the data as content, and an empty
// float tensor as its value (what TensorBoard's own hparams summaries hold: 6 bytes, dtype DT_FLOAT,
// shape [0]).
std::string hparams_event(double wall_time, const char* tag, int data_field, const ProtoMessage& data) {
  ProtoMessage content;
  content.varint(kPluginVersion, 0).message(data_field, data);
  ProtoMessage plugin;
  plugin.bytes(kPluginName, kHParamsPlugin).bytes(kPluginContent, content.bytes());
  ProtoMessage metadata;
  metadata.message(kMetadataPluginData, plugin);
  ProtoMessage shape;
  shape.message(kShapeDim, ProtoMessage{});
  ProtoMessage tensor;
  tensor.varint(kTensorDtype, kDtFloat).message(kTensorShape, shape);
  ProtoMessage value;
  value.bytes(kValueTag, tag).message(kValueMetadata, metadata).message(kValueTensor, tensor);
  ProtoMessage summary;
  summary.message(kSummaryValue, value);
  return event_header(wall_time, 0).message(kEventSummary, summary).bytes();
}

}  // namespace

std::string file_version_event(double wall_time) {
  return event_header(wall_time, 0).bytes(kEventFileVersion, "brain.Event:2").bytes();
}

std::string scalar_event(double wall_time, int64_t step, const std::string& tag, double value) {
  ProtoMessage summary_value;
  summary_value.bytes(kValueTag, tag).float32(kValueSimple, static_cast<float>(value));
  ProtoMessage summary;
  summary.message(kSummaryValue, summary_value);
  return event_header(wall_time, step).message(kEventSummary, summary).bytes();
}

std::string experiment_event(double wall_time, const std::vector<HParamColumn>& hparams,
                             const std::vector<std::string>& metric_tags) {
  ProtoMessage experiment;
  experiment.float64(kExperimentTime, wall_time);
  for (const HParamColumn& column : hparams) {
    ProtoMessage info;
    info.bytes(kInfoName, column.name);
    if (column.interval) {
      ProtoMessage interval;
      interval.float64(kIntervalMin, column.min).float64(kIntervalMax, column.max);
      info.varint(kInfoType, kDataFloat64).message(kInfoInterval, interval);
    } else {
      ProtoMessage list;
      for (const json& v : column.values) list.message(kListValues, protobuf_value(v));
      info.varint(kInfoType, data_type(column.values)).message(kInfoDiscrete, list);
    }
    if (column.differs) info.boolean(kInfoDiffers, true);
    experiment.message(kExperimentHParams, info);
  }
  for (const std::string& tag : metric_tags) {
    ProtoMessage name;
    name.bytes(kMetricTag, tag);
    ProtoMessage info;
    info.message(kMetricName, name);
    experiment.message(kExperimentMetrics, info);
  }
  return hparams_event(wall_time, kExperimentTag, kPluginExperiment, experiment);
}

std::string session_start_event(double wall_time, const std::map<std::string, json>& hparams) {
  ProtoMessage start;
  for (const auto& [name, value] : hparams) {
    ProtoMessage entry;
    entry.bytes(kMapKey, name).message(kMapValue, protobuf_value(value));
    start.message(kStartHParams, entry);
  }
  start.float64(kStartTime, wall_time);
  return hparams_event(wall_time, kSessionStartTag, kPluginSessionStart, start);
}

std::string session_end_event(double wall_time, SessionStatus status) {
  ProtoMessage end;
  end.varint(kEndStatus, static_cast<uint64_t>(status)).float64(kEndTime, wall_time);
  return hparams_event(wall_time, kSessionEndTag, kPluginSessionEnd, end);
}

}  // namespace bokeh::reports
