// last.pt / best.pt: round trips of the training state, atomic writes that keep the previous
// last.pt, checksums, and clear errors naming the file for missing, truncated, overwritten, random,
// foreign and mismatched files.
#include "training/checkpoint.h"
#include <catch2/catch.hpp>

#include "common/content_hash.h"
#include "common/model_arch.h"
#include "support/temp_dir.h"
#include "training/model_tensors.h"
#include "training/unet.h"

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;
using namespace bokeh::training;
using namespace bokeh::common;
using bokeh::test::same_tensors;
using bokeh::test::TempDir;
using bokeh::test::tensors_of;

namespace {
// A model and an Adam optimizer that has taken two steps, so both carry non-trivial state.
struct Trained {
  UNet model;
  torch::optim::Adam optimizer;
  explicit Trained(uint64_t seed)
      : model((torch::manual_seed(seed), UNet(ModelConfig{4, 2, true}))),
        optimizer(model->parameters(), torch::optim::AdamOptions(1e-2)) {
    for (int step = 0; step < 2; ++step) {
      optimizer.zero_grad();
      model->forward(torch::rand({2, 3, 16, 16})).mean().backward();
      optimizer.step();
    }
  }
};

TrainingState sample_state() {
  TrainingState state;
  state.epoch = 2;
  state.best_epoch = 1;
  state.best_val_loss = 0.123456789012345;
  state.lr = 1.6e-4;
  state.scheduler = PlateauState{0.1, 1, 2, 2};
  state.runtime_seconds = 12.5;
  state.train_phase_seconds = 10.25;
  state.history = {{1, 0.5, 0.123456789012345, 0.376543210987655, 2e-4, 6.0, 3.5},
                   {2, 0.25, 0.2, 0.05, 2e-4, 6.5, 4.0}};
  state.history[1].val_l1 = 0.0625;  // epoch 2 scored its validation pairs (no LPIPS net); epoch 1 did not
  state.history[1].val_psnr = 27.123456789;
  state.history[1].val_ssim = 0.875;
  state.history[1].val_fg_psnr = 31.25;  // and its focus figures, but for background SSIM
  state.history[1].val_fg_ssim = 0.9375;
  state.history[1].val_bg_psnr = 24.5;
  state.history[1].val_bg_blur = 0.0078125;
  return state;
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `archive` as the checkpoint code has since checksums: the archive, then "BKSWSUM1", its
// length and its FNV-1a hash (uint64 each, little-endian on this machine).
void write_with_trailer(torch::serialize::OutputArchive& archive, const fs::path& file) {
  std::ostringstream stream;
  archive.save_to(stream);
  std::string bytes = stream.str();
  const uint64_t length = bytes.size(), hash = hash_text(bytes);
  bytes += "BKSWSUM1";
  bytes.append(reinterpret_cast<const char*>(&length), 8);
  bytes.append(reinterpret_cast<const char*>(&hash), 8);
  write_bytes(file, bytes);
}

// A last.pt as an older build wrote it: every key the code of that time wrote, with sample_state()'s
// values, `history` as given, the model descriptor only where `descriptor` is given.
void write_older_last(const fs::path& file, Trained& saved, const ModelConfig* descriptor,
                      const torch::Tensor& history) {
  using torch::serialize::OutputArchive;
  OutputArchive last, last_model, last_optimizer;
  const std::vector<std::pair<std::string, c10::IValue>> entries = {{"format", std::string("bokeh-sweep checkpoint 1")},
                                                                    {"fingerprint", std::string("run A")},
                                                                    {"owner", std::string("sweep 1a data 00ff")},
                                                                    {"epoch", int64_t{2}},
                                                                    {"best_epoch", int64_t{1}},
                                                                    {"best_val_loss", 0.123456789012345},
                                                                    {"lr", 1.6e-4},
                                                                    {"scheduler_best", 0.1},
                                                                    {"scheduler_num_bad_epochs", int64_t{1}},
                                                                    {"scheduler_cooldown_counter", int64_t{2}},
                                                                    {"scheduler_last_epoch", int64_t{2}},
                                                                    {"scaler_scale", 65536.0},
                                                                    {"scaler_growth_tracker", int64_t{0}},
                                                                    {"runtime_seconds", 12.5},
                                                                    {"train_phase_seconds", 10.25}};
  for (const auto& [key, value] : entries) last.write(key, value);
  if (descriptor) last.write("model_descriptor", c10::IValue(model_descriptor(*descriptor).dump()));
  saved.model->save(last_model);
  saved.optimizer.save(last_optimizer);
  last.write("model", last_model);
  last.write("optimizer", last_optimizer);
  last.write("history", history);
  write_with_trailer(last, file);
}
}  // namespace

TEST_CASE("a checkpoint restores model, optimizer and training state exactly", "[checkpoint]") {
  TempDir dir;
  const fs::path file = dir.path() / kLastCheckpoint;
  Trained saved(1);
  const TrainingState state = sample_state();
  save_checkpoint(file, "run A", *saved.model, saved.optimizer, state);
  CHECK_FALSE(fs::exists(file.string() + ".tmp"));

  Trained loaded(2);  // different weights and optimizer moments before loading
  REQUIRE_FALSE(same_tensors(saved.model, loaded.model));
  const TrainingState back = load_checkpoint(file, "run A", *loaded.model, loaded.optimizer, torch::kCPU);
  CHECK(same_tensors(saved.model, loaded.model));
  CHECK(back.epoch == 2);
  CHECK(back.best_epoch == 1);
  CHECK(back.best_val_loss == state.best_val_loss);
  CHECK(back.lr == state.lr);
  CHECK(back.scheduler.best == 0.1);
  CHECK(back.scheduler.num_bad_epochs == 1);
  CHECK(back.scheduler.cooldown_counter == 2);
  CHECK(back.scheduler.last_epoch == 2);
  CHECK(back.runtime_seconds == 12.5);
  CHECK(back.train_phase_seconds == 10.25);
  REQUIRE(back.history.size() == 2);
  CHECK(back.history[0].epoch == 1);
  CHECK(back.history[0].val_loss == state.history[0].val_loss);
  CHECK(back.history[1].images_per_second == 4.0);
  CHECK(back.history[1].val_l1 == 0.0625);
  CHECK(back.history[1].val_psnr == 27.123456789);
  CHECK(back.history[1].val_ssim == 0.875);
  CHECK_FALSE(back.history[1].val_lpips);
  CHECK(back.history[1].val_fg_psnr == 31.25);
  CHECK(back.history[1].val_fg_ssim == 0.9375);
  CHECK(back.history[1].val_bg_psnr == 24.5);
  CHECK_FALSE(back.history[1].val_bg_ssim);
  CHECK(back.history[1].val_bg_blur == 0.0078125);
  CHECK_FALSE(back.history[0].val_fg_psnr);
  CHECK_FALSE(back.history[0].val_l1);
  CHECK_FALSE(back.history[0].val_psnr);

  // The optimizer moments came along: one more identical step keeps the two models identical.
  const auto input = torch::rand({2, 3, 16, 16});
  for (Trained* t : {&saved, &loaded}) {
    t->optimizer.zero_grad();
    t->model->forward(input).mean().backward();
    t->optimizer.step();
  }
  CHECK(same_tensors(saved.model, loaded.model));
}

TEST_CASE("bad checkpoints are errors that name the file", "[checkpoint]") {
  TempDir dir;
  const fs::path file = dir.path() / kLastCheckpoint;
  Trained saved(1);
  save_checkpoint(file, "run A", *saved.model, saved.optimizer, sample_state());
  const std::string good = read_bytes(file);
  Trained target(2);
  auto load = [&] { return load_checkpoint(file, "run A", *target.model, target.optimizer, torch::kCPU); };

  SECTION("another run's checkpoint") {
    CHECK_THROWS_AS(load_checkpoint(file, "run B", *target.model, target.optimizer, torch::kCPU), ForeignCheckpoint);
    CHECK_THROWS_WITH(load_checkpoint(file, "run B", *target.model, target.optimizer, torch::kCPU),
                      Catch::Contains(file.string()) && Catch::Contains("another run"));
  }
  SECTION("another owner's checkpoint (sweep instance and data)") {
    save_checkpoint(file, "run A", *saved.model, saved.optimizer, sample_state(), {}, "sweep 1a data 00ff");
    CHECK(load_checkpoint(file, "run A", *target.model, target.optimizer, torch::kCPU, "sweep 1a data 00ff").epoch ==
          2);
    CHECK_THROWS_AS(load_checkpoint(file, "run A", *target.model, target.optimizer, torch::kCPU, "sweep 2b data 00ff"),
                    ForeignCheckpoint);
    CHECK_THROWS_WITH(
        load_checkpoint(file, "run A", *target.model, target.optimizer, torch::kCPU, "sweep 1a data 0100"),
        Catch::Contains(file.string()) && Catch::Contains("another sweep or other data"));
  }
  SECTION("a checkpoint without an owner is foreign to an owned run") {
    CHECK_THROWS_AS(load_checkpoint(file, "run A", *target.model, target.optimizer, torch::kCPU, "sweep 1a data 00ff"),
                    ForeignCheckpoint);
  }
  SECTION("missing") {
    fs::remove(file);
    CHECK_THROWS_WITH(load(), Catch::Contains(file.string()) && Catch::Contains("does not exist"));
  }
  SECTION("truncated at several lengths") {
    for (size_t length : {size_t{0}, size_t{10}, good.size() / 3, good.size() / 2, good.size() - 1}) {
      write_bytes(file, good.substr(0, length));
      CHECK_THROWS_AS(load(), CorruptCheckpoint);
      CHECK_THROWS_WITH(load(), Catch::Contains(file.string()));
    }
  }
  SECTION("bytes overwritten anywhere, even finite ones, fail the checksum before anything is read") {
    for (size_t at : {size_t{0}, good.size() / 4, good.size() / 2, good.size() - 30}) {
      std::string bad = good;
      for (size_t i = at; i < std::min(bad.size(), at + 16); ++i) bad[i] = static_cast<char>(bad[i] ^ 0x01);
      write_bytes(file, bad);
      CHECK_THROWS_AS(load(), CorruptCheckpoint);
      CHECK_THROWS_WITH(load(), Catch::Contains(file.string()) && Catch::Contains("corrupt"));
    }
  }
  SECTION("random bytes") {
    std::mt19937 rng(3);
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(rng());
    write_bytes(file, noise);
    CHECK_THROWS_WITH(load(), Catch::Contains(file.string()));
  }
  SECTION("a torch archive that is not a checkpoint") {
    torch::serialize::OutputArchive foreign;
    foreign.write("x", torch::ones({3}));
    foreign.save_to(file.string());
    CHECK_THROWS_WITH(load(), Catch::Contains(file.string()) && Catch::Contains("not a bokeh-sweep checkpoint"));
  }
  SECTION("best weights are not a checkpoint and vice versa") {
    save_weights(file, saved.model);
    CHECK_THROWS_WITH(load(), Catch::Contains("not a bokeh-sweep checkpoint"));
    save_checkpoint(dir.path() / kBestWeights, "run A", *saved.model, saved.optimizer, sample_state());
    CHECK_THROWS_WITH(load_best_model(dir.path(), ModelConfig{4, 2, true}),
                      Catch::Contains((dir.path() / kBestWeights).string()));
  }
}

TEST_CASE("saving with a previous name keeps the replaced checkpoint, loadable, beside the new one", "[checkpoint]") {
  TempDir dir;
  const fs::path last = dir.path() / kLastCheckpoint, previous = dir.path() / kPreviousCheckpoint;
  Trained first(1), second(2);
  TrainingState one = sample_state(), two = sample_state();
  two.epoch = 3;
  two.history.push_back({3, 0.2, 0.19, 0.01, 2e-4, 6.0, 4.0});
  save_checkpoint(last, "run A", *first.model, first.optimizer, one, previous);
  CHECK_FALSE(fs::exists(previous));  // nothing to keep yet
  save_checkpoint(last, "run A", *second.model, second.optimizer, two, previous);
  Trained target(3);
  CHECK(load_checkpoint(previous, "run A", *target.model, target.optimizer, torch::kCPU).epoch == 2);
  CHECK(same_tensors(first.model, target.model));
  CHECK(load_checkpoint(last, "run A", *target.model, target.optimizer, torch::kCPU).epoch == 3);
  CHECK(same_tensors(second.model, target.model));
  for (const auto& entry : fs::directory_iterator(dir.path()))  // no temporary left behind
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
}

TEST_CASE("best weights load into an eval-mode U-Net of the same shape only", "[checkpoint]") {
  TempDir dir;
  Trained saved(5);
  save_weights(dir.path() / kBestWeights, saved.model);
  BokehNet best = load_best_model(dir.path(), ModelConfig{4, 2, true});
  CHECK(same_tensors(saved.model, best));
  CHECK_FALSE(best->is_training());
  saved.model->eval();
  const auto x = torch::rand({1, 3, 16, 16});
  CHECK(torch::equal(saved.model->forward(x), best->forward(x)));

  const fs::path file = dir.path() / kBestWeights;
  CHECK_THROWS_WITH(load_best_model(dir.path(), ModelConfig{8, 2, true}),
                    Catch::Contains(file.string()) && Catch::Contains("width 4"));
  CHECK_THROWS_WITH(load_best_model(dir.path(), ModelConfig{4, 2, false}), Catch::Contains(file.string()));
  const std::string good = read_bytes(file);
  write_bytes(file, good.substr(0, good.size() / 2));
  CHECK_THROWS_WITH(load_best_model(dir.path(), ModelConfig{4, 2, true}), Catch::Contains(file.string()));
  fs::remove(file);
  CHECK_THROWS_WITH(load_best_model(dir.path(), ModelConfig{4, 2, true}), Catch::Contains(file.string()));
}

TEST_CASE("files written before model descriptors load as the U-Net they hold", "[checkpoint]") {
  TempDir dir;
  Trained saved(7);
  using torch::serialize::OutputArchive;
  // best.pt as written before model descriptors: its shape in width, depth and batch_norm.
  OutputArchive best, best_model;
  best.write("format", c10::IValue(std::string("bokeh-sweep weights 1")));
  best.write("width", c10::IValue(int64_t{4}));
  best.write("depth", c10::IValue(int64_t{2}));
  best.write("batch_norm", c10::IValue(true));
  saved.model->save(best_model);
  best.write("model", best_model);
  write_with_trailer(best, dir.path() / kBestWeights);
  BokehNet loaded = load_best_model(dir.path(), ModelConfig{4, 2, true});
  CHECK(same_tensors(saved.model, loaded));
  CHECK_THROWS_WITH(load_best_model(dir.path(), ModelConfig{4, 3, true}),
                    Catch::Contains((dir.path() / kBestWeights).string()) &&
                        Catch::Contains("holds a U-Net width 4, depth 2, batch norm true") &&
                        Catch::Contains("this run's model is a U-Net width 4, depth 3, batch norm true"));

  // last.pt as written before model descriptors: the fingerprint vouches for the model.
  write_older_last(dir.path() / kLastCheckpoint, saved, nullptr,
                   torch::tensor({1.0, 0.5, 0.123456789012345, 0.376543210987655, 2e-4, 6.0, 3.5, 2.0, 0.25, 0.2, 0.05,
                                  2e-4, 6.5, 4.0},
                                 torch::kFloat64)
                       .reshape({2, 7}));
  Trained target(8);
  const TrainingState back = load_checkpoint(dir.path() / kLastCheckpoint, "run A", *target.model, target.optimizer,
                                             torch::kCPU, "sweep 1a data 00ff");
  CHECK(same_tensors(saved.model, target.model));
  CHECK(back.epoch == 2);
  CHECK(back.best_val_loss == 0.123456789012345);
  CHECK(back.lr == 1.6e-4);
  CHECK(back.scheduler.cooldown_counter == 2);
  CHECK(back.scaler.scale == 65536.0);
  CHECK(back.train_phase_seconds == 10.25);
  REQUIRE(back.history.size() == 2);
  CHECK(back.history[1].images_per_second == 4.0);
  // Its epochs predate the validation metrics (7 history columns): none, also once written again.
  for (const EpochFigures& e : back.history) {
    CHECK_FALSE(e.val_l1);
    CHECK_FALSE(e.val_psnr);
    CHECK_FALSE(e.val_ssim);
    CHECK_FALSE(e.val_lpips);
  }
  save_checkpoint(dir.path() / "again.pt", "run A", *target.model, target.optimizer, back, {}, "sweep 1a data 00ff");
  const TrainingState again = load_checkpoint(dir.path() / "again.pt", "run A", *target.model, target.optimizer,
                                              torch::kCPU, "sweep 1a data 00ff");
  REQUIRE(again.history.size() == 2);
  CHECK(again.history[0].val_loss == 0.123456789012345);
  CHECK_FALSE(again.history[0].val_psnr);
  CHECK_FALSE(again.history[1].val_ssim);
}

TEST_CASE("a checkpoint or weights file of another model is refused naming the file and both models", "[checkpoint]") {
  TempDir dir;
  Trained saved(9);  // a U-Net of width 4, depth 2, batch norm
  const fs::path last = dir.path() / kLastCheckpoint, best = dir.path() / kBestWeights;
  save_checkpoint(last, "run A", *saved.model, saved.optimizer, sample_state());
  save_weights(best, saved.model);
  UNet other(ModelConfig{4, 3, true});
  torch::optim::Adam optimizer(other->parameters(), torch::optim::AdamOptions(1e-2));
  const auto both = Catch::Contains(
      "holds a U-Net width 4, depth 2, batch norm true; this run's model is a U-Net "
      "width 4, depth 3, batch norm true");
  // The same fingerprint (a caller's mistake): the descriptor still tells the models apart.
  CHECK_THROWS_WITH(load_checkpoint(last, "run A", *other, optimizer, torch::kCPU),
                    Catch::Contains(last.string()) && both);
  CHECK_THROWS_WITH(load_weights(best, other, torch::kCPU), Catch::Contains(best.string()) && both);
  // The files name their model.
  for (const fs::path& file : {last, best}) CHECK(read_bytes(file).find("\"arch\":\"unet\"") != std::string::npos);
}

TEST_CASE("a last.pt written before the focus figures resumes with its validation metrics and no focus figures",
          "[checkpoint]") {
  TempDir dir;
  Trained saved(7);
  const ModelConfig model{4, 2, true};
  // 11 history columns: the 7 figures, then val_l1, val_psnr, val_ssim, val_lpips (NaN: none).
  write_older_last(dir.path() / kLastCheckpoint, saved, &model,
                   torch::tensor({1.0, 0.5,  0.25, 0.25, 2e-4, 6.0, 3.5, 0.0625,  27.5, 0.875,  std::nan(""),
                                  2.0, 0.25, 0.2,  0.05, 2e-4, 6.5, 4.0, 0.03125, 29.0, 0.9375, std::nan("")},
                                 torch::kFloat64)
                       .reshape({2, 11}));
  Trained target(8);
  const TrainingState back = load_checkpoint(dir.path() / kLastCheckpoint, "run A", *target.model, target.optimizer,
                                             torch::kCPU, "sweep 1a data 00ff");
  REQUIRE(back.history.size() == 2);
  CHECK(back.history[0].val_l1 == 0.0625);
  CHECK(back.history[1].val_psnr == 29.0);
  CHECK(back.history[1].val_ssim == 0.9375);
  CHECK_FALSE(back.history[1].val_lpips);
  for (const EpochFigures& e : back.history) {
    CHECK_FALSE(e.val_fg_psnr);
    CHECK_FALSE(e.val_fg_ssim);
    CHECK_FALSE(e.val_bg_psnr);
    CHECK_FALSE(e.val_bg_ssim);
    CHECK_FALSE(e.val_bg_blur);
  }
}

TEST_CASE("weights of an RGB model and of a depth model refuse each other, naming the input channels", "[checkpoint]") {
  TempDir dir;
  Trained saved(9);  // a U-Net of width 4, depth 2, batch norm, RGB
  save_weights(dir.path() / kBestWeights, saved.model);
  const ModelConfig with_depth{4, 2, true, "unet", 4};
  CHECK_THROWS_WITH(load_best_model(dir.path(), with_depth),
                    Catch::Contains("holds a U-Net width 4, depth 2, batch norm true; this run's model is a U-Net "
                                    "width 4, depth 2, batch norm true, input channels 4"));
  UNet depth_net(with_depth);
  const fs::path other = dir.path() / "depth";
  fs::create_directories(other);
  save_weights(other / kBestWeights, depth_net);
  const BokehNet back = load_best_model(other, with_depth);
  CHECK(same_tensors(depth_net, back));
  CHECK_THROWS_WITH(load_best_model(other, ModelConfig{4, 2, true}), Catch::Contains("input channels 4; this run's"));
}
