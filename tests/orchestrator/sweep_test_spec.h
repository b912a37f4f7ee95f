// A small sweep for the bookkeeping tests: three runs of known relative cost, their spec written to
// a temporary folder, and the scripted figures a pretend worker reports for them.
#pragma once

#include <fstream>
#include <string>

#include "common/protocol.h"
#include "support/temp_dir.h"

namespace bokeh::test {

// Runs "big" (width 16), "mid" (width 8) and "small" (width 4): their costs fall in that order, so
// the longest-first order hands them out big, mid, small. Two epochs each, two attempts.
inline constexpr const char* kBookSpec = R"(sweep: book
seed: 5
data:
  height: 16
  width: 16
  train_pairs: 4
  val_pairs: 2
  test_pairs: 2
  synthetic: {count: 10, size: 16}
base:
  model: {depth: 2}
  train: {epochs: 2}
  loss: {lpips: 0}
resources: {max_attempts: 2}
runs:
  - {name: small, model.width: 4}
  - {name: big, model.width: 16}
  - {name: mid, model.width: 8}
)";

inline std::string write_spec(const TempDir& dir, const std::string& text, const std::string& name = "book.yaml") {
  std::ofstream(dir.file(name)) << text;
  return dir.file(name);
}

inline common::EpochFigures scripted_epoch(int64_t epoch) {
  return {epoch, 1.0 / static_cast<double>(epoch), 0.5 / static_cast<double>(epoch), 0.25, 2e-4, 3.0, 10.0};
}

// What a worker reports after training `epochs` epochs.
inline common::TrainResult scripted_result(int64_t epochs) {
  common::TrainResult r{};
  r.epochs = epochs;
  r.best_epoch = epochs;
  r.best_val_loss = r.val_loss = 0.5 / static_cast<double>(epochs);
  r.train_loss = 1.0 / static_cast<double>(epochs);
  r.gap = 0.25;
  r.test = {0.05, 24.5, 0.9, std::nullopt};
  r.runtime_seconds = 3.0 * static_cast<double>(epochs);
  r.images_per_second = 10.0;
  r.parameters = 1000;
  for (int64_t e = 1; e <= epochs; ++e) r.history.push_back(scripted_epoch(e));
  return r;
}

}  // namespace bokeh::test
