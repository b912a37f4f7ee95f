// Test fixture for the report tests: a temporary results folder with a database holding the sweep
// "tiny" (5 runs of a small spec) filled through the store's API, in every state: two done, one
// running with one epoch, one pending after a failure, one failed. Plus PNG header reading.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "orchestrator/plan/run_plan.h"
#include "orchestrator/spec/spec.h"
#include "store/store.h"
#include "orchestrator/sweep/sweep_records.h"
#include "support/temp_dir.h"

namespace bokeh::test {

inline constexpr const char* kTinySpec = R"(sweep: tiny
tables: [1, 2, 3, 4]
seed: 3
data:
  height: 16
  width: 16
  train_pairs: 4
  val_pairs: 2
  test_pairs: 2
  synthetic: {count: 12, size: 16}
base:
  model: {width: 4, depth: 2}
  train: {epochs: 3}
  loss: {lpips: 0}
runs:
  - name: VBase_1
    model: {width: 8}
  - name: nobn
    model: {batch_norm: false}
grid:
  train.lr: [0.0002, 0.0005, 0.0001]
references:
  - name: PyNET
    source: Ignatov et al. 2020
    params_m: 47.5
    psnr: 23.28
    ssim: 0.878
    lpips: 0.2438
)";

// kTinySpec naming the rows of Tables 1 (all), 2 and 4 and marking nobn as a reading.
inline std::string tiny_spec_with_named_rows() {
  std::string spec = kTinySpec;
  spec.replace(spec.find("tables: [1, 2, 3, 4]"), 20, "tables: {1: all, 2: [nobn, VBase_1], 4: [nobn]}");
  const std::string nobn = "  - name: nobn\n";
  spec.insert(spec.find(nobn) + nobn.size(), "    reading: B_norm is blank in the study; read as off\n");
  return spec;
}

inline const char* kNanError = "NaN loss at epoch 2 | batch 1";

// The database (results/sweeps.db in a temp folder) with sweep "tiny":
//   VBase_1 (w8, d2, bn)         done: 3 epochs of 700 s, train 0.6612, val 0.5893, best val 0.5801
//   lr 2e-4 (w4, d2, bn)         done: 3 epochs of 380 s, train 0.6904, val 0.6230, best val 0.6200
//   lr 5e-4 (w4, d2, bn)         pending after one failure
//   lr 1e-4 (w4, d2, bn)         running, 1 epoch recorded
//   nobn    (w4, d2, no bn)      failed (kNanError)
struct SweepFixture {
  TempDir dir;
  std::filesystem::path root = dir.path() / "results";
  std::string db_path = (root / "sweeps.db").string();
  std::map<std::string, orchestrator::RunRecord> runs;  // by name, as registered
  std::string lr2, lr5, lr1;                            // the grid runs' names
  int64_t coordinator = 0;                              // the sweep process, this one (alive)

  // `spec_text`: kTinySpec, or a variant of it with the same runs (its `tables` or readings changed).
  explicit SweepFixture(const std::string& spec_text = kTinySpec) {
    orchestrator::Store store(db_path);
    const orchestrator::Spec spec = orchestrator::parse_spec(spec_text, "tiny.yaml");
    const orchestrator::RunPlan plan = orchestrator::plan_runs(spec);
    store.register_sweep(orchestrator::sweep_info(spec));
    store.add_runs("tiny", orchestrator::new_runs(plan));
    coordinator = store.join_sweep("tiny", common::this_host(), ::getpid());
    std::vector<orchestrator::RunRecord> claimed;
    while (auto r = store.claim_next_pending("tiny", coordinator)) claimed.push_back(*r);
    for (const orchestrator::RunRecord& r : claimed) {
      const nlohmann::json config = nlohmann::json::parse(r.config_json);
      const double lr = config["train"]["lr"];
      if (r.name == "VBase_1" || r.name == "nobn") continue;
      (lr == 2e-4 ? lr2 : lr == 5e-4 ? lr5 : lr1) = r.name;
    }
    for (const orchestrator::RunRecord& r : claimed) {
      if (r.name == "VBase_1")
        finish(store, r.id, 700, {0.9, 0.7, 0.6612}, {0.7, 0.5801, 0.5893},
               results(0.6612, 0.5893, 0.5801, 2, 2100, 0.1534, 23.0949, 0.81234));
      if (r.name == lr2)
        finish(store, r.id, 380, {1.0, 0.8, 0.6904}, {0.8, 0.6200, 0.6230},
               results(0.6904, 0.6230, 0.6200, 2, 1140, 0.1612, 22.912, 0.80111));
      if (r.name == lr1) store.record_epoch(r.id, epoch(1, 1.2, 1.1, 1e-4, 500));
      if (r.name == lr5) store.fail_run(r.id, "out of memory", 2);
      if (r.name == "nobn") store.fail_run(r.id, kNanError, 1);
    }
    for (const orchestrator::RunRecord& r : store.runs("tiny")) runs[r.name] = r;
  }

  static orchestrator::EpochRecord epoch(int64_t e, double train, double val, double lr, double seconds) {
    return orchestrator::EpochRecord{e, train, val, std::abs(val - train), lr, seconds, 8.0};
  }

  static nlohmann::json results(double train, double val, double best_val, int64_t best_epoch, double runtime,
                                double l1, double psnr, double ssim) {
    return {{"epochs", 3},           {"best_epoch", best_epoch},  {"best_val_loss", best_val},
            {"train_loss", train},   {"val_loss", val},           {"gap", std::abs(val - train)},
            {"test_l1", l1},         {"test_psnr", psnr},         {"test_ssim", ssim},
            {"test_lpips", nullptr}, {"runtime_seconds", runtime}};
  }

  // Three epochs (the second drops the rate 2e-4 -> 1.6e-4), then done.
  static void finish(orchestrator::Store& store, int64_t id, double seconds, std::vector<double> train,
                     std::vector<double> val, const nlohmann::json& result) {
    const double lrs[3] = {2e-4, 1.6e-4, 1.6e-4};
    for (int64_t e = 0; e < 3; ++e) store.record_epoch(id, epoch(e + 1, train[e], val[e], lrs[e], seconds));
    store.finish_run(id, result.dump());
  }
};

// Width and height from a PNG's IHDR chunk; throws unless the file starts with the PNG signature
// followed by IHDR.
inline std::pair<uint32_t, uint32_t> png_size(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char b[24] = {};
  if (!in.read(reinterpret_cast<char*>(b), 24)) throw std::runtime_error(file.string() + ": shorter than a PNG header");
  const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (!std::equal(signature, signature + 8, b)) throw std::runtime_error(file.string() + ": no PNG signature");
  if (std::string(reinterpret_cast<char*>(b + 12), 4) != "IHDR") throw std::runtime_error(file.string() + ": no IHDR");
  const auto be32 = [&](int at) {
    return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) | uint32_t{b[at + 3]};
  };
  return {be32(16), be32(20)};
}

}  // namespace bokeh::test
