// TensorBoard's messages, encoded by hand (field numbers from tensorboard/compat/proto/event.proto,
// summary.proto, tensor.proto and plugins/hparams/api.proto, plugin_data.proto): the events a run's
// event file holds (the file version, scalars) and the HParams plugin's three summaries (the
// experiment, a session's start with its hparams, a session's end with its status). Each function
// returns one serialized Event, to be framed as a TFRecord.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bokeh::reports {

// The first event of every file: file_version "brain.Event:2".
std::string file_version_event(double wall_time);

// A scalar (Summary.Value.simple_value, a float) at `step`.
std::string scalar_event(double wall_time, int64_t step, const std::string& tag, double value);

// An hparam of the experiment: its name, and its domain: an interval of numbers or a list of values.
struct HParamColumn {
  std::string name;
  bool differs = false;  // its value is not the same in every session
  bool interval = false;
  double min = 0, max = 0;             // interval
  std::vector<nlohmann::json> values;  // otherwise: numbers, booleans or strings (others are written as text)
};

// The HParams plugin's experiment: the hparams and the metrics (scalar tags, read from each session's run).
std::string experiment_event(double wall_time, const std::vector<HParamColumn>& hparams,
                             const std::vector<std::string>& metric_tags);

// A session's start: its hparams' values (number, bool or string; others as text).
std::string session_start_event(double wall_time, const std::map<std::string, nlohmann::json>& hparams);

// api.proto's Status.
enum class SessionStatus { Unknown = 0, Success = 1, Failure = 2, Running = 3 };

// A session's end: its status.
std::string session_end_event(double wall_time, SessionStatus status);

}  // namespace bokeh::reports
