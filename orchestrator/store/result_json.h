// JSON forms of the trainer's figures (one epoch, a finished run): what EPOCH and DONE messages carry
// and what the store keeps in runs.results. One definition so the wire and the database agree.
#pragma once

#include <nlohmann/json.hpp>

#include "worker/train_result.h"

namespace bokeh::orchestrator {

nlohmann::json epoch_to_json(const worker::EpochFigures& epoch);
// Throws std::runtime_error naming the missing or mistyped field.
worker::EpochFigures epoch_from_json(const nlohmann::json& json);

nlohmann::json result_to_json(const worker::TrainResult& result);
worker::TrainResult result_from_json(const nlohmann::json& json);

// A field of `json` as T, or an error naming `what` and the field.
template <typename T>
T required_field(const nlohmann::json& json, const char* field, const char* what) {
  const auto it = json.find(field);
  if (it == json.end() || it->is_null())
    throw std::runtime_error(std::string(what) + ": missing field '" + field + "'");
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(std::string(what) + ": field '" + field + "' has the wrong type");
  }
}

}  // namespace bokeh::orchestrator
