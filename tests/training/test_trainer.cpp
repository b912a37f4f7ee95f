// The trainer on tiny synthetic data: the loss goes down, the result's figures agree with each
// other and with an independent evaluation of the best weights (the focus figures too), a run interrupted and resumed
// is bit-identical to an uninterrupted one, a corrupt last.pt is passed over (prev.pt or a fresh start), and failures
// (NaN loss, another run's checkpoint) are clear errors.
#include "training/data/batches.h"
#include "training/data/prepared_data.h"
#include "training/focus_metrics.h"
#include "training/ssim.h"
#include "training/trainer.h"
#include "training/unet.h"
#include <catch2/catch.hpp>

#include "support/temp_dir.h"
#include "training/model_tensors.h"
#include "training/tiny_run.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using namespace bokeh::training;
using namespace bokeh::common;
using bokeh::test::same_tensors;
using bokeh::test::TempDir;
using bokeh::test::tensors_of;
using bokeh::test::tiny_config;
using bokeh::test::tiny_data;

namespace {
// The final (not best) weights, read from last.pt's "model" entry (the archive before its 24-byte
// checksum trailer).
UNet last_model(const fs::path& dir, const ModelConfig& config) {
  std::ifstream in(dir / kLastCheckpoint, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream archive_bytes(bytes.substr(0, bytes.size() - 24));
  torch::serialize::InputArchive archive, model_archive;
  archive.load_from(archive_bytes);
  archive.read("model", model_archive);
  UNet model(config);
  model->load(model_archive);
  return model;
}

// Per-image means of L1, PSNR and SSIM of `model` (in eval mode) on a split, one image at a time,
// the differences in float64.
ImageMetrics by_hand(BokehNetImpl& model, const PreparedData& data, Split split) {
  const int64_t n = data.size(split);
  double l1 = 0.0, psnr = 0.0, ssim_sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    torch::NoGradGuard no_grad;
    const Batch batch = make_batch(data, split, {i}, false, 0, 0);
    const auto prediction = model.forward(batch.input);
    const auto difference = (prediction - batch.target).to(torch::kFloat64);
    l1 += difference.abs().mean().item<double>();
    psnr += -10.0 * std::log10(difference.pow(2).mean().item<double>());
    ssim_sum += ssim(prediction, batch.target).item<double>();
  }
  const double count = static_cast<double>(n);
  return {l1 / count, psnr / count, ssim_sum / count, std::nullopt};
}

// The mean focus figures of `model` on a split, one image at a time under its focus mask, in float64
// (training/focus_metrics.h's per-image scores).
FocusScores focus_by_hand(BokehNetImpl& model, const PreparedData& data, Split split) {
  std::vector<FocusScores> scores;
  for (int64_t i = 0; i < data.size(split); ++i) {
    torch::NoGradGuard no_grad;
    const Batch batch = make_batch(data, split, {i}, false, 0, 0);
    const auto prediction = model.forward(batch.input).to(torch::kFloat64);
    const auto weights = data.masks(split).narrow(0, i, 1).to(torch::kFloat64) / 255.0;
    scores.push_back(focus_scores(prediction, batch.target.to(torch::kFloat64), weights).at(0));
  }
  return mean_focus_scores(scores);
}

void check_same_figures(const EpochFigures& a, const EpochFigures& b) {
  CHECK(a.epoch == b.epoch);
  CHECK(a.train_loss == b.train_loss);
  CHECK(a.val_loss == b.val_loss);
  CHECK(a.gap == b.gap);
  CHECK(a.lr == b.lr);
  for (const auto& [name, figure] : kValidationFigures) {  // val_l1 ... val_lpips, the focus figures
    INFO(name);
    CHECK(a.*figure == b.*figure);
  }
}

void check_same_result(const TrainResult& a, const TrainResult& b) {
  CHECK(a.epochs == b.epochs);
  CHECK(a.best_epoch == b.best_epoch);
  CHECK(a.best_val_loss == b.best_val_loss);
  CHECK(a.train_loss == b.train_loss);
  CHECK(a.val_loss == b.val_loss);
  CHECK(a.gap == b.gap);
  CHECK(a.test.l1 == b.test.l1);
  CHECK(a.test.psnr == b.test.psnr);
  CHECK(a.test.ssim == b.test.ssim);
  CHECK(a.test.lpips == b.test.lpips);
  for (const auto& [name, figure] : kFocusFigures) {
    INFO(name);
    CHECK(a.test.focus.*figure == b.test.focus.*figure);
  }
  CHECK(a.parameters == b.parameters);
}
}  // namespace

TEST_CASE("a few epochs lower the loss, the result's figures are consistent", "[trainer]") {
  at::set_num_threads(1);  // exact comparisons need a fixed thread count
  TempDir dir;
  const auto data = tiny_data(dir.path() / "cache");
  const TrainConfig config = tiny_config(6);
  std::vector<EpochFigures> figures;
  TrainOptions options;
  options.checkpoint_dir = dir.path() / "run";
  options.on_epoch = [&](const EpochFigures& f) {
    CHECK(fs::exists(options.checkpoint_dir / kLastCheckpoint));  // written before the callback
    figures.push_back(f);
  };
  const TrainResult result = train_run(config, *data, options);

  REQUIRE(figures.size() == 6);
  for (size_t i = 0; i < figures.size(); ++i) {
    CHECK(figures[i].epoch == static_cast<int64_t>(i) + 1);
    CHECK(figures[i].gap == std::abs(figures[i].val_loss - figures[i].train_loss));
    CHECK(figures[i].lr == config.lr);  // scheduler disabled
    CHECK(figures[i].seconds > 0.0);
    CHECK(figures[i].images_per_second > 0.0);
  }
  CHECK(figures.back().train_loss < 0.9 * figures.front().train_loss);
  CHECK(figures.back().val_loss < figures.front().val_loss);

  const auto best = std::min_element(figures.begin(), figures.end(),
                                     [](const auto& a, const auto& b) { return a.val_loss < b.val_loss; });
  CHECK(result.epochs == 6);
  CHECK(result.best_epoch == best->epoch);
  CHECK(result.best_val_loss == best->val_loss);
  CHECK(result.train_loss == figures.back().train_loss);
  CHECK(result.val_loss == figures.back().val_loss);
  CHECK(result.gap == figures.back().gap);
  CHECK_FALSE(result.test.lpips.has_value());
  double runtime = 0.0;
  for (const auto& f : figures) runtime += f.seconds;
  CHECK(result.runtime_seconds == Approx(runtime));
  CHECK(result.images_per_second > 0.0);
  UNet fresh(config.model);
  CHECK(result.parameters == parameter_count(*fresh));

  // Test metrics of the best weights, evaluated here by hand, one image at a time.
  const ImageMetrics test = by_hand(*load_best_model(options.checkpoint_dir, config.model), *data, Split::test);
  CHECK(result.test.l1 == Approx(test.l1).epsilon(1e-5));
  CHECK(result.test.psnr == Approx(test.psnr).epsilon(1e-5));
  CHECK(result.test.ssim == Approx(test.ssim).epsilon(1e-5));
  const FocusScores test_focus =
      focus_by_hand(*load_best_model(options.checkpoint_dir, config.model), *data, Split::test);
  for (const auto& [name, figure] : kFocusFigures) {  // the synthetic masks have both regions
    INFO(name);
    REQUIRE((result.test.focus.*figure).has_value());
    REQUIRE((test_focus.*figure).has_value());
    CHECK(*(result.test.focus.*figure) == Approx(*(test_focus.*figure)).epsilon(1e-4));
  }

  // Every epoch scored its validation pairs; the last epoch's figures are those of the final weights
  // (last.pt), evaluated here by hand, one image at a time.
  for (const EpochFigures& f : figures) {
    REQUIRE(f.val_l1.has_value());
    REQUIRE(f.val_psnr.has_value());
    REQUIRE(f.val_ssim.has_value());
    CHECK_FALSE(f.val_lpips.has_value());  // no LPIPS net
  }
  CHECK(*figures.back().val_psnr > *figures.front().val_psnr);
  UNet final_model = last_model(options.checkpoint_dir, config.model);
  final_model->eval();
  const ImageMetrics validation = by_hand(*final_model, *data, Split::validation);
  CHECK(*figures.back().val_l1 == Approx(validation.l1).epsilon(1e-5));
  CHECK(*figures.back().val_psnr == Approx(validation.psnr).epsilon(1e-5));
  CHECK(*figures.back().val_ssim == Approx(validation.ssim).epsilon(1e-5));
  const FocusScores validation_focus = focus_by_hand(*final_model, *data, Split::validation);
  for (const auto& [figure, expected] : {std::pair{figures.back().val_fg_psnr, validation_focus.fg_psnr},
                                         {figures.back().val_fg_ssim, validation_focus.fg_ssim},
                                         {figures.back().val_bg_psnr, validation_focus.bg_psnr},
                                         {figures.back().val_bg_ssim, validation_focus.bg_ssim},
                                         {figures.back().val_bg_blur, validation_focus.bg_blur}}) {
    REQUIRE(figure.has_value());
    REQUIRE(expected.has_value());
    CHECK(*figure == Approx(*expected).epsilon(1e-4));
  }
  REQUIRE(result.history.size() == figures.size());
  for (size_t i = 0; i < figures.size(); ++i) check_same_figures(result.history[i], figures[i]);

  // Without a checkpoint folder the best weights are kept in memory: the same result, also when
  // the caller happens to hold a NoGradGuard.
  torch::NoGradGuard caller_guard;
  check_same_result(train_run(config, *data, TrainOptions{}), result);

  // Without the validation metrics (what bench/train_throughput compares): the same training, no scores.
  TrainOptions unscored;
  unscored.validation_metrics = false;
  const TrainResult plain = train_run(config, *data, unscored);
  check_same_result(plain, result);
  for (const EpochFigures& f : plain.history) {
    CHECK(f.val_loss == figures[static_cast<size_t>(f.epoch - 1)].val_loss);
    CHECK_FALSE(f.val_l1.has_value());
    CHECK_FALSE(f.val_psnr.has_value());
    CHECK_FALSE(f.val_ssim.has_value());
    CHECK_FALSE(f.val_fg_psnr.has_value());
    CHECK_FALSE(f.val_bg_blur.has_value());
  }
}

TEST_CASE("a run interrupted and resumed equals the uninterrupted run bit for bit", "[trainer][resume]") {
  at::set_num_threads(1);  // exact comparisons need a fixed thread count
  TempDir dir;
  const auto data = tiny_data(dir.path() / "cache");
  TrainConfig config = tiny_config(4);
  config.augment = true;
  config.scheduler.enabled = true;
  config.scheduler.patience = 0;  // the rate drops often, so scheduler state matters
  config.scheduler.factor = 0.5;
  config.scheduler.threshold = 0.05;
  config.weight_decay = GENERATE(0.0, 1e-2);                       // Adam and AdamW
  config.precision = GENERATE(as<std::string>{}, "auto", "bf16");  // fp32 here, and CPU bf16 autocast

  std::vector<EpochFigures> straight_figures;
  TrainOptions straight;
  straight.checkpoint_dir = dir.path() / "straight";
  straight.on_epoch = [&](const EpochFigures& f) { straight_figures.push_back(f); };
  const TrainResult straight_result = train_run(config, *data, straight);

  // Same config, stopped during epoch 3 (after epoch 2's checkpoint and two more batches).
  std::vector<EpochFigures> resumed_figures;
  int polls_after_epoch_2 = 0;
  TrainOptions first;
  first.checkpoint_dir = dir.path() / "resumed";
  first.on_epoch = [&](const EpochFigures& f) { resumed_figures.push_back(f); };
  first.stop_requested = [&] { return resumed_figures.size() == 2 && ++polls_after_epoch_2 > 2; };
  CHECK_THROWS_AS(train_run(config, *data, first), TrainingInterrupted);
  REQUIRE(resumed_figures.size() == 2);

  TrainOptions second;
  second.checkpoint_dir = first.checkpoint_dir;
  second.on_epoch = first.on_epoch;
  const TrainResult resumed_result = train_run(config, *data, second);

  REQUIRE(straight_figures.size() == 4);
  REQUIRE(resumed_figures.size() == 4);  // epochs 3 and 4 only were trained again
  for (size_t i = 0; i < 4; ++i) check_same_figures(straight_figures[i], resumed_figures[i]);
  CHECK(straight_figures[3].lr < config.lr);  // the scheduler did act
  check_same_result(straight_result, resumed_result);
  REQUIRE(resumed_result.history.size() == 4);  // epochs 1 and 2 restored from last.pt, focus figures too
  for (size_t i = 0; i < 4; ++i) check_same_figures(straight_result.history[i], resumed_result.history[i]);
  CHECK(resumed_result.history[0].val_fg_psnr.has_value());
  CHECK(
      same_tensors(last_model(straight.checkpoint_dir, config.model), last_model(second.checkpoint_dir, config.model)));
  CHECK(same_tensors(load_best_model(straight.checkpoint_dir, config.model),
                     load_best_model(second.checkpoint_dir, config.model)));

  // A finished run started again only re-tests its best weights.
  std::vector<EpochFigures> none;
  second.on_epoch = [&](const EpochFigures& f) { none.push_back(f); };
  check_same_result(train_run(config, *data, second), straight_result);
  CHECK(none.empty());
}

TEST_CASE("a non-finite loss stops the run naming epoch and batch", "[trainer]") {
  at::set_num_threads(1);  // exact comparisons need a fixed thread count
  TempDir dir;
  const auto data = tiny_data(dir.path() / "cache");
  TrainConfig config = tiny_config(3);
  config.model.batch_norm = false;
  // Adam moves every weight by about lr in its first step: 1e30 makes the activations overflow to
  // inf, the sigmoid's inputs become inf - inf = NaN, and the second batch's loss is NaN.
  config.lr = 1e30;
  CHECK_THROWS_WITH(train_run(config, *data, TrainOptions{}), "non-finite loss at epoch 1, batch 2");
}

TEST_CASE("the trainer refuses bad checkpoints and impossible settings", "[trainer]") {
  at::set_num_threads(1);  // exact comparisons need a fixed thread count
  TempDir dir;
  const auto data = tiny_data(dir.path() / "cache");
  TrainOptions options;
  options.checkpoint_dir = dir.path() / "run";
  const fs::path last = options.checkpoint_dir / kLastCheckpoint;

  SECTION(
      "a truncated or overwritten last.pt is passed over: the run starts again, says so once, and ends as a fresh "
      "run") {
    const TrainResult fresh = train_run(tiny_config(2), *data, TrainOptions{});
    for (const bool truncate : {true, false}) {
      fs::remove_all(options.checkpoint_dir);
      train_run(tiny_config(1), *data, options);
      if (truncate) {
        fs::resize_file(last, fs::file_size(last) / 2);
      } else {
        std::fstream file(last, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>(fs::file_size(last) / 2));
        file << std::string(64, '\x5a');
      }
      std::vector<std::string> notices;
      TrainOptions noticing = options;
      noticing.on_notice = [&](const std::string& kind, const std::string& text) {
        notices.push_back(kind + ": " + text);
      };
      const TrainResult result = train_run(tiny_config(2), *data, noticing);
      REQUIRE(notices.size() == 1);
      CHECK_THAT(notices[0], Catch::StartsWith("checkpoint: checkpoint " + last.string() + " is corrupt") &&
                                 Catch::EndsWith("the run starts again from epoch 1"));
      check_same_result(result, fresh);
    }
  }
  SECTION("a corrupt last.pt with a good prev.pt resumes from prev.pt and ends as an uninterrupted run") {
    const TrainResult straight = train_run(tiny_config(3), *data, TrainOptions{});
    train_run(tiny_config(2), *data, options);  // last.pt at epoch 2, prev.pt at epoch 1
    REQUIRE(fs::exists(options.checkpoint_dir / kPreviousCheckpoint));
    std::fstream file(last, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(fs::file_size(last) / 3));
    file << std::string(8192, '\x01');  // finite bytes: torch alone would read them as weights
    file.close();
    std::vector<std::string> notices;
    TrainOptions noticing = options;
    noticing.on_notice = [&](const std::string&, const std::string& text) { notices.push_back(text); };
    std::vector<int64_t> epochs;
    noticing.on_epoch = [&](const EpochFigures& f) { epochs.push_back(f.epoch); };
    const TrainResult resumed = train_run(tiny_config(3), *data, noticing);
    REQUIRE(notices.size() == 1);
    CHECK_THAT(notices[0],
               Catch::Contains("do not match their checksum") && Catch::EndsWith("resumed from prev.pt (epoch 1)"));
    CHECK(epochs == std::vector<int64_t>{2, 3});
    check_same_result(resumed, straight);
  }
  SECTION("random bytes as last.pt, and no prev.pt: a start from scratch") {
    fs::create_directories(options.checkpoint_dir);
    std::ofstream(last, std::ios::binary) << std::string(1000, '\x5a') << "garbage";
    std::vector<std::string> notices;
    options.on_notice = [&](const std::string&, const std::string& text) { notices.push_back(text); };
    CHECK(train_run(tiny_config(1), *data, options).epochs == 1);
    REQUIRE(notices.size() == 1);
    CHECK_THAT(notices[0], Catch::Contains(last.string()) && Catch::Contains("no checksum trailer"));
  }
  SECTION("another run's, another sweep instance's or an unowned checkpoint is set aside: a start from scratch") {
    TrainConfig other = tiny_config(2);
    other.lr = 1e-3;
    options.sweep_instance = "instance-a";
    const TrainResult clean = train_run(other, *data, [&] {
      TrainOptions fresh;
      fresh.checkpoint_dir = dir.path() / "clean";
      fresh.sweep_instance = "instance-b";
      return fresh;
    }());
    const std::string case_name = GENERATE(as<std::string>{}, "other settings", "other sweep instance", "no owner");
    INFO(case_name);
    fs::remove_all(options.checkpoint_dir);
    TrainOptions writer = options;
    if (case_name == "no owner") writer.sweep_instance.clear();
    train_run(case_name == "other settings" ? tiny_config(1) : other, *data, writer);  // leaves last.pt at epoch 1
    options.sweep_instance = case_name == "other settings" ? "instance-a" : "instance-b";
    std::vector<std::string> notices;
    std::vector<int64_t> epochs;
    options.on_notice = [&](const std::string&, const std::string& text) { notices.push_back(text); };
    options.on_epoch = [&](const EpochFigures& f) { epochs.push_back(f.epoch); };
    const TrainResult result = train_run(other, *data, options);
    REQUIRE(notices.size() == 1);
    CHECK_THAT(notices[0], Catch::Contains(last.string()) && Catch::Contains("set aside as") &&
                               Catch::EndsWith("the run starts again from epoch 1"));
    CHECK(epochs == std::vector<int64_t>{1, 2});                                // from scratch, not resumed
    CHECK(fs::exists(options.checkpoint_dir / "set-aside" / kLastCheckpoint));  // moved, not deleted
    if (case_name == "other sweep instance") CHECK(result.history.size() == 2);
    check_same_result(result, clean);
  }
  SECTION("a checkpoint past the run's epochs") {
    train_run(tiny_config(2), *data, options);
    CHECK_THROWS_WITH(train_run(tiny_config(1), *data, options), Catch::Contains("past this run's 1 epochs"));
  }
  SECTION("impossible settings") {
    TrainConfig config = tiny_config(0);
    CHECK_THROWS_AS(train_run(config, *data, options), std::invalid_argument);
    config = tiny_config(1);
    config.batch_size = 0;
    CHECK_THROWS_AS(train_run(config, *data, options), std::invalid_argument);
    config = tiny_config(1);
    config.loss.lpips = 0.5;  // no LPIPS net
    CHECK_THROWS_AS(train_run(config, *data, options), std::invalid_argument);
  }
}

TEST_CASE("with an LPIPS net the loss uses it and the test reports it", "[trainer][lpips]") {
  at::set_num_threads(1);  // exact comparisons need a fixed thread count
  TempDir dir;
  const auto data = tiny_data(dir.path() / "cache");
  // A weights file of random values in the documented format (lin weights non-negative).
  torch::manual_seed(4);
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& spec : lpips_tensor_specs()) tensors.emplace_back(spec.name, torch::rand(spec.shape) * 0.1);
  const fs::path weights = dir.path() / "lpips.bin";
  save_lpips_weights(weights, tensors);

  TrainConfig config = tiny_config(2);
  config.loss.lpips = 0.5;
  TrainOptions options;
  options.lpips = Lpips(weights);
  const TrainResult with_lpips = train_run(config, *data, options);
  REQUIRE(with_lpips.test.lpips.has_value());
  CHECK(*with_lpips.test.lpips >= 0.0);
  CHECK(std::isfinite(*with_lpips.test.lpips));
  for (const EpochFigures& f : with_lpips.history) {  // every epoch scores its validation pairs with it too
    REQUIRE(f.val_lpips.has_value());
    CHECK(*f.val_lpips >= 0.0);
  }

  config.loss.lpips = 0.0;  // same net, no LPIPS term: a different trajectory, LPIPS still reported
  const TrainResult without_term = train_run(config, *data, options);
  REQUIRE(without_term.test.lpips.has_value());
  CHECK(without_term.history.back().val_lpips.has_value());
  CHECK(without_term.val_loss != with_lpips.val_loss);
}
