// Objectives by name: which figures they are, their directions, their costs and best-epoch figures.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "common/objective.h"

using namespace bokeh::common;

TEST_CASE("objectives are the per-epoch figures with a direction, and the losses compare only equal weights",
          "[objective]") {
  const std::vector<std::string> comparable = {"val_l1",      "val_psnr",    "val_ssim",    "val_lpips",  "val_fg_psnr",
                                               "val_fg_ssim", "val_bg_psnr", "val_bg_ssim", "val_bg_blur"};
  std::vector<std::string> all = {"train_loss", "val_loss"};
  all.insert(all.end(), comparable.begin(), comparable.end());
  CHECK(objective_names() == all);
  CHECK(comparable_objective_names() == comparable);
  CHECK(find_objective("val_bg_blur") == Objective{"val_bg_blur", false});  // as blurred as the target: lower
  CHECK(find_objective("val_fg_psnr") == Objective{"val_fg_psnr", true});
  CHECK(find_objective("val_psnr") == Objective{"val_psnr", true});
  CHECK(find_objective("val_ssim") == Objective{"val_ssim", true});
  CHECK(find_objective("val_l1") == Objective{"val_l1", false});
  CHECK(find_objective("val_loss") == Objective{});  // the default
  CHECK_FALSE(find_objective("gap"));                // per epoch, but nothing to optimise
  CHECK_FALSE(find_objective("test_psnr"));          // known once a run ends: no rung or level has it
  CHECK_FALSE(find_objective("psnr"));
  CHECK(loss_weighted(Objective{"train_loss", false}));
  CHECK(loss_weighted(Objective{}));
  CHECK_FALSE(loss_weighted(*find_objective("val_psnr")));
  CHECK(loss_weighted_figure("best_val_loss"));
  CHECK(loss_weighted_figure("val_loss"));
  CHECK_FALSE(loss_weighted_figure("best_val_psnr"));
  CHECK_FALSE(loss_weighted_figure("test_psnr"));
}

TEST_CASE("an objective's cost is lower for better epochs and the worst where the epoch lacks it", "[objective]") {
  EpochFigures e{3, 0.5, 0.4, 0.1, 1e-3, 10, 5};
  e.val_psnr = 24.5;
  e.val_l1 = 0.07;
  CHECK(objective_cost(Objective{}, e) == 0.4);
  CHECK(objective_cost(Objective{"train_loss", false}, e) == 0.5);
  CHECK(objective_cost(*find_objective("val_psnr"), e) == -24.5);  // higher is better: negated
  CHECK(objective_value(*find_objective("val_psnr"), -24.5) == 24.5);
  CHECK(objective_cost(*find_objective("val_l1"), e) == 0.07);
  CHECK(std::isinf(objective_cost(*find_objective("val_ssim"), e)));  // not computed: the worst
  e.val_ssim = std::nan("");
  CHECK(objective_cost(*find_objective("val_ssim"), e) == std::numeric_limits<double>::infinity());
  CHECK(epoch_figure_value(e, "gap") == 0.1);
  CHECK_THROWS_AS(epoch_figure_value(e, "test_psnr"), std::invalid_argument);
}

TEST_CASE("each objective but the training loss has a figure at a run's best epoch", "[objective]") {
  CHECK(best_epoch_figure(Objective{}) == "best_val_loss");
  CHECK(best_epoch_figure(*find_objective("val_psnr")) == "best_val_psnr");
  CHECK(best_epoch_figure(*find_objective("val_lpips")) == "best_val_lpips");
  CHECK(best_epoch_figure(Objective{"train_loss", false}).empty());
}
