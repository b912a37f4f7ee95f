// Train results and their JSON: the figures a partial results JSON holds are read, the rest left empty.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/result_json.h"

using namespace bokeh::common;

TEST_CASE("result figures read the numbers a results JSON holds and leave the rest empty", "[results]") {
  const TrainResult result{3,
                           2,
                           0.58,
                           0.66,
                           0.59,
                           0.07,
                           {0.15, INFINITY, 0.81, std::nullopt},
                           2100,
                           9.5,
                           12345,
                           {{1, 0.9, 0.7, 0.2, 2e-4, 700, 9.5}},
                           "fp32",
                           ""};
  const nlohmann::json full = result_to_json(result);
  const ResultFigures f = result_figures_from_json(full);
  CHECK(f.train_loss == 0.66);
  CHECK(f.val_loss == 0.59);
  CHECK(f.gap == 0.07);
  CHECK(f.best_val_loss == 0.58);
  CHECK(f.best_epoch == 2);
  CHECK(f.runtime_seconds == 2100);
  CHECK(f.test_l1 == 0.15);
  CHECK_FALSE(f.test_psnr);  // infinite: stored as null
  CHECK(f.test_ssim == 0.81);
  CHECK_FALSE(f.test_lpips);
  // The strict reader keeps the same two as "none".
  const TrainResult back = result_from_json(full);
  CHECK(std::isinf(back.test.psnr));
  CHECK_FALSE(back.test.lpips);
  CHECK(result_from_json(nlohmann::json::parse(full.dump())).history.at(0).seconds == 700);
  // The precision the run trained at travels with it; results stored before the setting existed are
  // read as fp32 (every earlier build trained in fp32), an unfinished run's has none.
  CHECK(f.precision == "fp32");
  TrainResult bf16 = result;
  bf16.precision = "bf16";
  CHECK(result_from_json(result_to_json(bf16)).precision == "bf16");
  CHECK(result_figures_from_json(result_to_json(bf16)).precision == "bf16");
  nlohmann::json older = full;
  older.erase("precision");
  CHECK(result_figures_from_json(older).precision == "fp32");
  CHECK_FALSE(result_figures_from_json({{"train_loss", 0.5}}).precision);
  // So does the libtorch version that trained it; results older than the field name none ("").
  TrainResult versioned = result;
  versioned.libtorch = "2.15.0";
  CHECK(result_from_json(result_to_json(versioned)).libtorch == "2.15.0");
  CHECK(result_figures_from_json(result_to_json(versioned)).libtorch == "2.15.0");
  nlohmann::json unversioned = full;
  unversioned.erase("libtorch");
  CHECK(result_from_json(unversioned).libtorch.empty());
  CHECK(result_figures_from_json(unversioned).libtorch == "");
  CHECK_FALSE(result_figures_from_json({{"train_loss", 0.5}}).libtorch);

  // An older or unfinished run's: what is a number is read, whatever else is not.
  const ResultFigures partial = result_figures_from_json({{"train_loss", 0.5},
                                                          {"val_loss", "n/a"},
                                                          {"gap", nullptr},
                                                          {"best_epoch", 4},
                                                          {"test_psnr", 22.5},
                                                          {"test_lpips", 0.3},
                                                          {"runtime_seconds", 90}});
  CHECK(partial.train_loss == 0.5);
  CHECK_FALSE(partial.val_loss);
  CHECK_FALSE(partial.gap);
  CHECK_FALSE(partial.best_val_loss);
  CHECK(partial.best_epoch == 4);
  CHECK(partial.runtime_seconds == 90);
  CHECK_FALSE(partial.test_l1);
  CHECK(partial.test_psnr == 22.5);
  CHECK_FALSE(partial.test_ssim);
  CHECK(partial.test_lpips == 0.3);
  CHECK_THROWS_WITH(result_from_json({{"train_loss", 0.5}}), Catch::Contains("'epochs'"));

  const ResultFigures none = result_figures_from_json(nlohmann::json::array({1, 2}));
  CHECK_FALSE(none.train_loss);
  CHECK_FALSE(none.best_epoch);
  CHECK_FALSE(none.test_ssim);
}

TEST_CASE("an epoch's validation metrics travel through its JSON and a run's results, older ones have none",
          "[results]") {
  EpochFigures scored{2, 0.5, 0.4, 0.1, 2e-4, 60, 8.5};
  scored.val_l1 = 0.061;
  scored.val_psnr = 27.25;
  scored.val_ssim = 0.875;
  const EpochFigures back = epoch_from_json(nlohmann::json::parse(epoch_to_json(scored).dump()));
  CHECK(back.val_l1 == 0.061);
  CHECK(back.val_psnr == 27.25);
  CHECK(back.val_ssim == 0.875);
  CHECK_FALSE(back.val_lpips);  // no LPIPS net: null
  CHECK(epoch_to_json(scored).at("val_lpips").is_null());

  // An epoch of an older build (no such keys) reads as not computed.
  nlohmann::json older = epoch_to_json(scored);
  for (const char* key : {"val_l1", "val_psnr", "val_ssim", "val_lpips"}) older.erase(key);
  const EpochFigures old = epoch_from_json(older);
  CHECK(old.val_loss == 0.4);
  CHECK_FALSE(old.val_l1);
  CHECK_FALSE(old.val_psnr);
  CHECK_FALSE(old.val_ssim);
  CHECK_FALSE(old.val_lpips);

  // A run's results carry its last epoch's, beside its history.
  TrainResult result{2, 2, 0.4, 0.5, 0.4, 0.1, {0.07, 26.0, 0.86, 0.2}, 120, 8.5, 99, {}, "fp32", "2.15.0"};
  result.history = {EpochFigures{1, 0.6, 0.5, 0.1, 2e-4, 60, 8.5}, scored};
  result.history[0].val_psnr = 24.0;
  const nlohmann::json stored = result_to_json(result);
  const ResultFigures f = result_figures_from_json(stored);
  CHECK(f.val_l1 == 0.061);
  CHECK(f.val_psnr == 27.25);
  CHECK(f.val_ssim == 0.875);
  CHECK_FALSE(f.val_lpips);
  CHECK(result_from_json(stored).history.at(0).val_psnr == 24.0);
  CHECK_FALSE(result_from_json(stored).history.at(0).val_l1);
  // Results stored before: none.
  nlohmann::json before = stored;
  for (const char* key : {"val_l1", "val_psnr", "val_ssim", "val_lpips"}) before.erase(key);
  CHECK_FALSE(result_figures_from_json(before).val_psnr);
}

TEST_CASE("a run's inference figures travel through its results, and results without them (older ones) have none",
          "[results]") {
  TrainResult result{1, 1, 0.4, 0.5, 0.4, 0.1, {0.07, 26.0, 0.86, 0.2}, 60, 8.5, 99, {}, "fp32", "2.15.0"};
  result.history = {EpochFigures{1, 0.5, 0.4, 0.1, 2e-4, 60, 8.5}};
  const nlohmann::json unmeasured = result_to_json(result);
  for (const char* key : {"inference_seconds", "inference_peak_mb", "inference_device", "inference_repeats"})
    CHECK_FALSE(unmeasured.contains(key));  // the results JSON of before the fields
  CHECK_FALSE(result_from_json(unmeasured).inference);
  CHECK_FALSE(result_figures_from_json(unmeasured).inference_seconds);
  CHECK_FALSE(result_figures_from_json(unmeasured).inference_device);

  result.inference = InferenceFigures{0.25, 96.5, "cpu, 2 threads", 3};
  const nlohmann::json stored = nlohmann::json::parse(result_to_json(result).dump());
  CHECK(stored.at("inference_seconds") == 0.25);
  CHECK(stored.at("inference_peak_mb") == 96.5);
  CHECK(stored.at("inference_device") == "cpu, 2 threads");
  CHECK(stored.at("inference_repeats") == 3);
  const TrainResult back = result_from_json(stored);
  REQUIRE(back.inference);
  CHECK(back.inference->seconds == 0.25);
  CHECK(back.inference->peak_mb == 96.5);
  CHECK(back.inference->device == "cpu, 2 threads");
  CHECK(back.inference->repeats == 3);
  const ResultFigures f = result_figures_from_json(stored);
  CHECK(f.inference_seconds == 0.25);
  CHECK(f.inference_peak_mb == 96.5);
  CHECK(f.inference_device == "cpu, 2 threads");

  // A platform that cannot say its peak: null, read back as none.
  result.inference->peak_mb.reset();
  const nlohmann::json no_peak = result_to_json(result);
  CHECK(no_peak.at("inference_peak_mb").is_null());
  CHECK_FALSE(result_from_json(no_peak).inference->peak_mb);
  CHECK_FALSE(result_figures_from_json(no_peak).inference_peak_mb);
}

TEST_CASE("the focus figures travel through an epoch's JSON and a run's results, older results have none",
          "[results]") {
  EpochFigures scored{1, 0.6, 0.5, 0.1, 2e-4, 60, 8.5};
  scored.val_fg_psnr = 31.5;
  scored.val_fg_ssim = 0.9375;
  scored.val_bg_psnr = 22.25;
  scored.val_bg_blur = 0.75;  // no background SSIM (a region too thin for its windows): null
  const nlohmann::json epoch = epoch_to_json(scored);
  CHECK(epoch.at("val_bg_ssim").is_null());
  const EpochFigures back = epoch_from_json(nlohmann::json::parse(epoch.dump()));
  CHECK(back.val_fg_psnr == 31.5);
  CHECK(back.val_fg_ssim == 0.9375);
  CHECK(back.val_bg_psnr == 22.25);
  CHECK_FALSE(back.val_bg_ssim);
  CHECK(back.val_bg_blur == 0.75);

  TrainResult result{1, 1, 0.5, 0.6, 0.5, 0.1, {0.07, 26.0, 0.86, std::nullopt}, 60, 8.5, 99, {}, "fp32", "2.15.0"};
  result.test.focus = {33.0, 21.5, 0.95, std::nullopt, 1.25};  // fg_psnr, bg_psnr, fg_ssim, bg_ssim, bg_blur
  result.history = {scored};
  const nlohmann::json stored = result_to_json(result);
  CHECK(stored.at("test_fg_psnr") == 33.0);
  CHECK(stored.at("test_bg_blur") == 1.25);
  CHECK(stored.at("test_bg_ssim").is_null());
  const TrainResult read = result_from_json(nlohmann::json::parse(stored.dump()));
  CHECK(read.test.focus.fg_psnr == 33.0);
  CHECK(read.test.focus.bg_psnr == 21.5);
  CHECK(read.test.focus.fg_ssim == 0.95);
  CHECK_FALSE(read.test.focus.bg_ssim);
  CHECK(read.test.focus.bg_blur == 1.25);
  const ResultFigures f = result_figures_from_json(stored);
  CHECK(f.test_fg_psnr == 33.0);
  CHECK(f.test_fg_ssim == 0.95);
  CHECK(f.test_bg_psnr == 21.5);
  CHECK(f.test_bg_blur == 1.25);
  CHECK(f.val_fg_psnr == 31.5);       // the last epoch's
  CHECK(f.best_val_fg_psnr == 31.5);  // the best epoch's (epoch 1)
  CHECK(f.best_val_bg_blur == 0.75);

  // Results stored before the focus figures: none, and a run's result reads as before.
  nlohmann::json before = stored;
  for (const char* key : {"test_fg_psnr", "test_fg_ssim", "test_bg_psnr", "test_bg_ssim", "test_bg_blur", "val_fg_psnr",
                          "val_fg_ssim", "val_bg_psnr", "val_bg_ssim", "val_bg_blur"})
    before.erase(key);
  for (nlohmann::json& e : before.at("history"))
    for (const char* key : {"val_fg_psnr", "val_fg_ssim", "val_bg_psnr", "val_bg_ssim", "val_bg_blur"}) e.erase(key);
  const ResultFigures old = result_figures_from_json(before);
  CHECK_FALSE(old.test_fg_psnr);
  CHECK_FALSE(old.test_bg_blur);
  CHECK_FALSE(old.val_fg_psnr);
  CHECK_FALSE(old.best_val_fg_psnr);
  const TrainResult old_result = result_from_json(before);
  CHECK_FALSE(old_result.test.focus.fg_psnr);
  CHECK_FALSE(old_result.history.at(0).val_bg_blur);
  CHECK(old_result.test.psnr == 26.0);
}
