// Test helpers: a tiny prepared data set and run config that train in well under a second.
#pragma once

#include <filesystem>
#include <memory>

#include "common/run_config.h"
#include "training/data/prepared_data.h"

namespace bokeh::test {

// 28 rendered 32x32 pairs: 16 train, 4 validation, 4 test.
inline std::shared_ptr<const training::PreparedData> tiny_data(const std::filesystem::path& cache) {
  common::DataConfig data;
  data.source = "synthetic";
  data.height = data.width = 32;
  data.train_pairs = 16;
  data.val_pairs = 4;
  data.test_pairs = 4;
  data.synthetic.count = 28;
  data.synthetic.size = 32;
  return training::PreparedData::prepare(data, cache);
}

inline common::TrainConfig tiny_config(int64_t epochs) {
  common::TrainConfig config;
  config.model = common::ModelConfig{4, 2, true};
  config.loss.lpips = 0.0;
  config.lr = 5e-3;
  config.batch_size = 5;  // 16 pairs: batches of 5, 5, 5 and a partial 1
  config.epochs = epochs;
  config.seed = 11;
  return config;
}

}  // namespace bokeh::test
