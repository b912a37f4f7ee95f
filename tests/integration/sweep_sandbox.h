// Test helpers for end-to-end sweeps: a temporary folder with a spec and a database, the runs of
// a finished sweep read back from the store, and waiting for a background job to start training.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.h"
#include "support/temp_dir.h"

namespace bokeh::test {

// The built sweep, and mpirun with a coordinator and 2 workers on this machine (shared memory only).
inline const std::string kSweep = std::string(BOKEH_BUILD_DIR) + "/sweep";
inline const std::string kMpirun = "mpirun --allow-run-as-root --oversubscribe --mca btl self,vader -n 3 ";

// The `data:` section of the integration tests' specs: 12 / 4 / 4 synthetic pairs at 32x32.
inline const std::string kTinyData = R"(data:
  source: synthetic
  height: 32
  width: 32
  train_pairs: 12
  val_pairs: 4
  test_pairs: 4
  synthetic: {count: 24, size: 32, seed: 5}
)";

struct Sandbox {
  TempDir temp;
  std::filesystem::path dir = temp.path();
  std::filesystem::path spec = dir / "spec.yaml";
  std::filesystem::path db = dir / "results" / "sweeps.db";
  explicit Sandbox(const std::string& text) { std::ofstream(spec) << text; }
  std::string args() const { return spec.string() + " --db " + db.string(); }
};

// Per run name: its state and the figures of every epoch row, in order.
struct RunView {
  orchestrator::RunState state;
  int64_t attempts;
  std::string error;
  std::vector<orchestrator::EpochRecord> epochs;
  nlohmann::json results;
};
inline std::map<std::string, RunView> read_runs(const std::filesystem::path& db, const std::string& sweep = "itest") {
  orchestrator::Store store(db.string(), /*read_only=*/true);
  std::map<std::string, RunView> out;
  for (const auto& run : store.runs(sweep)) {
    out[run.name] = RunView{run.state, run.attempts, run.error, store.epochs(run.id),
                            run.results_json.empty() ? nlohmann::json() : nlohmann::json::parse(run.results_json)};
  }
  return out;
}

// Both sweeps finished every run with contiguous epochs and the same figures: bit for bit when
// `tolerance` is 0, else within that relative tolerance.
inline void require_complete_and_equal(const std::map<std::string, RunView>& a, const std::map<std::string, RunView>& b,
                                       int epochs, double tolerance = 0.0) {
  const auto same = [tolerance](double x, double y) {
    return tolerance == 0.0 ? x == y : std::abs(x - y) <= tolerance * std::max(1.0, std::abs(y));
  };
  REQUIRE(a.size() == b.size());
  for (const auto& [name, run] : a) {
    INFO("run " << name);
    const RunView& other = b.at(name);
    CHECK(run.state == orchestrator::RunState::Done);
    CHECK(other.state == orchestrator::RunState::Done);
    REQUIRE(run.epochs.size() == static_cast<size_t>(epochs));
    REQUIRE(other.epochs.size() == static_cast<size_t>(epochs));
    for (size_t e = 0; e < run.epochs.size(); ++e) {
      CHECK(run.epochs[e].epoch == static_cast<int64_t>(e + 1));  // contiguous, each once
      CHECK(same(run.epochs[e].train_loss, other.epochs[e].train_loss));
      CHECK(same(run.epochs[e].val_loss, other.epochs[e].val_loss));
      CHECK(run.epochs[e].lr == other.epochs[e].lr);
      // The validation set's metrics, every epoch (a group's summed over its members: the whole set's).
      for (const auto metric : {&orchestrator::EpochRecord::val_l1, &orchestrator::EpochRecord::val_psnr,
                                &orchestrator::EpochRecord::val_ssim}) {
        REQUIRE((run.epochs[e].*metric).has_value());
        REQUIRE((other.epochs[e].*metric).has_value());
        CHECK(same(*(run.epochs[e].*metric), *(other.epochs[e].*metric)));
      }
      CHECK(run.epochs[e].val_lpips == other.epochs[e].val_lpips);  // none without LPIPS weights
    }
    for (const char* field : {"best_epoch", "parameters"}) CHECK(run.results.at(field) == other.results.at(field));
    for (const char* field : {"best_val_loss", "test_l1", "test_psnr", "test_ssim", "val_l1", "val_psnr", "val_ssim"})
      CHECK(same(run.results.at(field).get<double>(), other.results.at(field).get<double>()));
  }
}

inline std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Waits (at most a minute) until the job's log shows training under way.
inline void wait_for_training(const std::filesystem::path& log) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (file_bytes(log).find(" epoch ") == std::string::npos && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace bokeh::test
