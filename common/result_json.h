// JSON forms of the trainer's figures (one epoch, a finished run): what EPOCH and DONE messages carry
// and what the store keeps in runs.results. One definition so the wire and the database agree; plus
// the tolerant reader the reports use on results of unfinished or older runs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <iterator>
#include <utility>

#include "common/train_result.h"

namespace bokeh::common {

nlohmann::json epoch_to_json(const EpochFigures& epoch);
// Throws std::runtime_error naming the missing or mistyped field.
EpochFigures epoch_from_json(const nlohmann::json& json);

nlohmann::json result_to_json(const TrainResult& result);
TrainResult result_from_json(const nlohmann::json& json);

// The figures of a results JSON that are present and numbers; each one that is absent, null or not a
// number (or all, when `json` is not an object) stays empty. Never throws. The numbers are the result
// figures' (common/result_figures.h names their keys).
struct ResultFigures {
  std::optional<double> train_loss, val_loss, gap;              // the last epoch's
  std::optional<double> val_l1, val_psnr, val_ssim, val_lpips;  // the last epoch's; none for older results
  std::optional<double> val_fg_psnr, val_fg_ssim, val_bg_psnr, val_bg_ssim, val_bg_blur;  // likewise
  std::optional<double> best_val_loss;
  // The best epoch's validation figures (read from the history; none for older results).
  std::optional<double> best_val_l1, best_val_psnr, best_val_ssim, best_val_lpips;
  std::optional<double> best_val_fg_psnr, best_val_fg_ssim, best_val_bg_psnr, best_val_bg_ssim, best_val_bg_blur;
  std::optional<double> best_epoch;  // a count
  std::optional<int64_t> epochs;     // trained (fewer than planned for a run stopped early)
  std::optional<double> runtime_seconds;
  std::optional<double> test_l1, test_psnr, test_ssim, test_lpips;
  // The test set's focus figures (the results' "test_" + kFocusFigures keys; none for older results).
  std::optional<double> test_fg_psnr, test_fg_ssim, test_bg_psnr, test_bg_ssim, test_bg_blur;
  std::optional<std::string> precision;  // fp32 | bf16 | fp16 as trained; fp32 for results older than the setting
  std::optional<std::string> libtorch;   // the libtorch version that trained it; "" for results older than the field
  std::optional<double> inference_seconds, inference_peak_mb;  // none where not measured (or older results)
  std::optional<std::string> inference_device;                 // where they were measured
};
ResultFigures result_figures_from_json(const nlohmann::json& json);

// Where the reader puts each validation figure's best-epoch value, in kValidationFigures' order.
inline constexpr std::optional<double> ResultFigures::*kBestEpochFields[] = {
    &ResultFigures::best_val_l1,      &ResultFigures::best_val_psnr,    &ResultFigures::best_val_ssim,
    &ResultFigures::best_val_lpips,   &ResultFigures::best_val_fg_psnr, &ResultFigures::best_val_fg_ssim,
    &ResultFigures::best_val_bg_psnr, &ResultFigures::best_val_bg_ssim, &ResultFigures::best_val_bg_blur};
static_assert(std::size(kBestEpochFields) == std::size(kValidationFigures), "one best-epoch field per figure");

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

// A field of `json` when it is a number; nullopt when absent, null, of another type, or when `json`
// is not an object.
std::optional<double> optional_number(const nlohmann::json& json, const char* field);

}  // namespace bokeh::common
