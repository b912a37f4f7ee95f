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
