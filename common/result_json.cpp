// JSON conversion of EpochFigures and TrainResult (common/train_result.h), and the tolerant
// ResultFigures reader (the result-figures table's keys).
#include "common/result_json.h"

#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "common/result_figures.h"

namespace bokeh::common {

namespace {
// JSON has no NaN: a missing figure is null.
nlohmann::json number_or_null(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }
nlohmann::json number_or_null(const std::optional<double>& value) {
  return value ? number_or_null(*value) : nlohmann::json();
}

// The validation figures of the results' best epoch (its row of the history), by the result figure's name
// ("best_val_psnr").
void read_best_epoch_figures(const nlohmann::json& j, ResultFigures& f) {
  const std::optional<double> best_epoch = optional_number(j, "best_epoch");
  const auto history = j.find("history");
  if (!best_epoch || history == j.end() || !history->is_array()) return;
  for (const nlohmann::json& epoch : *history) {
    if (optional_number(epoch, "epoch") != best_epoch) continue;
    for (size_t i = 0; i < std::size(kValidationFigures); ++i)
      f.*kBestEpochFields[i] = optional_number(epoch, kValidationFigures[i].first);
  }
}
}  // namespace

std::optional<double> optional_number(const nlohmann::json& json, const char* field) {
  const auto it = json.find(field);
  if (it == json.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

nlohmann::json epoch_to_json(const EpochFigures& e) {
  nlohmann::json j = {{"epoch", e.epoch},
                      {"train_loss", e.train_loss},
                      {"val_loss", e.val_loss},
                      {"gap", e.gap},
                      {"lr", e.lr},
                      {"seconds", e.seconds},
                      {"images_per_second", e.images_per_second}};
  for (const auto& [key, figure] : kValidationFigures) j[key] = number_or_null(e.*figure);
  return j;
}

EpochFigures epoch_from_json(const nlohmann::json& j) {
  const char* what = "epoch figures";
  if (!j.is_object()) throw std::runtime_error("epoch figures: not a JSON object");
  EpochFigures e;
  e.epoch = required_field<int64_t>(j, "epoch", what);
  e.train_loss = required_field<double>(j, "train_loss", what);
  e.val_loss = required_field<double>(j, "val_loss", what);
  e.gap = required_field<double>(j, "gap", what);
  e.lr = required_field<double>(j, "lr", what);
  e.seconds = required_field<double>(j, "seconds", what);
  e.images_per_second = required_field<double>(j, "images_per_second", what);
  for (const auto& [key, figure] : kValidationFigures) e.*figure = optional_number(j, key);  // null or absent: none
  return e;
}

nlohmann::json result_to_json(const TrainResult& r) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& e : r.history) history.push_back(epoch_to_json(e));
  nlohmann::json j = {{"epochs", r.epochs},
                      {"best_epoch", r.best_epoch},
                      {"best_val_loss", r.best_val_loss},
                      {"train_loss", r.train_loss},
                      {"val_loss", r.val_loss},
                      {"gap", r.gap},
                      {"test_l1", r.test.l1},
                      {"test_psnr", number_or_null(r.test.psnr)},
                      {"test_ssim", r.test.ssim},
                      {"test_lpips", r.test.lpips ? nlohmann::json(*r.test.lpips) : nlohmann::json()},
                      {"runtime_seconds", r.runtime_seconds},
                      {"images_per_second", r.images_per_second},
                      {"parameters", r.parameters},
                      {"precision", r.precision},
                      {"libtorch", r.libtorch},
                      {"history", history}};
  for (const auto& [key, figure] : kValidationFigures)
    j[key] = r.history.empty() ? nlohmann::json() : number_or_null(r.history.back().*figure);
  for (const auto& [name, figure] : kFocusFigures)
    j[std::string("test_") + name] = number_or_null(r.test.focus.*figure);
  if (r.inference) {  // absent where not measured, as in results written before the fields
    j["inference_seconds"] = r.inference->seconds;
    j["inference_peak_mb"] = number_or_null(r.inference->peak_mb);
    j["inference_device"] = r.inference->device;
    j["inference_repeats"] = r.inference->repeats;
  }
  return j;
}

TrainResult result_from_json(const nlohmann::json& j) {
  const char* what = "run results";
  if (!j.is_object()) throw std::runtime_error("run results: not a JSON object");
  TrainResult r;
  r.epochs = required_field<int64_t>(j, "epochs", what);
  r.best_epoch = required_field<int64_t>(j, "best_epoch", what);
  r.best_val_loss = required_field<double>(j, "best_val_loss", what);
  r.train_loss = required_field<double>(j, "train_loss", what);
  r.val_loss = required_field<double>(j, "val_loss", what);
  r.gap = required_field<double>(j, "gap", what);
  r.test.l1 = required_field<double>(j, "test_l1", what);
  r.test.psnr = optional_number(j, "test_psnr").value_or(INFINITY);
  r.test.ssim = required_field<double>(j, "test_ssim", what);
  r.test.lpips = optional_number(j, "test_lpips");
  for (const auto& [name, figure] : kFocusFigures)  // null or absent (results of before): none
    r.test.focus.*figure = optional_number(j, (std::string("test_") + name).c_str());
  r.runtime_seconds = required_field<double>(j, "runtime_seconds", what);
  r.images_per_second = required_field<double>(j, "images_per_second", what);
  r.parameters = required_field<int64_t>(j, "parameters", what);
  r.precision = required_field<std::string>(j, "precision", what);
  // Results stored before the field existed name no libtorch (empty).
  if (const auto it = j.find("libtorch"); it != j.end() && it->is_string()) r.libtorch = it->get<std::string>();
  for (const auto& e : required_field<nlohmann::json>(j, "history", what)) r.history.push_back(epoch_from_json(e));
  if (const auto seconds = optional_number(j, "inference_seconds")) {
    r.inference = InferenceFigures{*seconds, optional_number(j, "inference_peak_mb"),
                                   required_field<std::string>(j, "inference_device", what),
                                   required_field<int64_t>(j, "inference_repeats", what)};
  }
  return r;
}

ResultFigures result_figures_from_json(const nlohmann::json& j) {
  ResultFigures f;
  for (const ResultFigure& figure : result_figure_table()) {
    if (figure.result && !figure.json_key.empty()) f.*figure.result = optional_number(j, figure.json_key.c_str());
  }
  if (j.is_object()) read_best_epoch_figures(j, f);
  if (const auto epochs = optional_number(j, "epochs")) f.epochs = static_cast<int64_t>(*epochs);
  // Results stored before runs had a precision setting were trained in fp32 throughout.
  const auto precision = j.is_object() ? j.find("precision") : j.end();
  if (precision != j.end() && precision->is_string())
    f.precision = precision->get<std::string>();
  else if (j.is_object() && j.contains("epochs"))
    f.precision = "fp32";
  if (j.is_object() && j.contains("epochs")) {
    const auto libtorch = j.find("libtorch");
    f.libtorch = libtorch != j.end() && libtorch->is_string() ? libtorch->get<std::string>() : std::string();
  }
  const auto device = j.is_object() ? j.find("inference_device") : j.end();
  if (f.inference_seconds && device != j.end() && device->is_string()) f.inference_device = device->get<std::string>();
  return f;
}

}  // namespace bokeh::common
