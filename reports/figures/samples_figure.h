// The study's Figures 1 and 3: a grid with one row per test image and the columns input (f/16),
// target (f/1.8) and each chosen run's output, separated by white gaps. Written as NAME.png with a
// NAME.txt legend naming the columns (the image itself carries no text).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "training/data/image_io.h"
#include "training/data/image_tensor.h"
#include "training/bokeh_net.h"

namespace bokeh::reports {

inline constexpr int64_t kSampleGap = 4;  // white pixels between and around the cells

struct SampleColumn {
  std::string run;
  training::BokehNet model;  // in eval mode
};

// inputs, targets: uint8 (N, 3, H, W). One row per image: input, target, then each column's output
// (rendered by its model at the data's size).
std::vector<std::vector<training::Image>> sample_cells(const torch::Tensor& inputs, const torch::Tensor& targets,
                                                       std::vector<SampleColumn>& columns);

// The cells of sample_cells() in one white canvas. The grid is (2 + columns) * W + (3 + columns) * gap pixels
// wide and N * H + (N + 1) * gap high.
training::Image sample_grid(const torch::Tensor& inputs, const torch::Tensor& targets,
                            std::vector<SampleColumn>& columns);

// Writes out_dir/NAME.png and out_dir/NAME.txt (creating out_dir); returns the PNG's path.
std::filesystem::path write_samples_figure(const torch::Tensor& inputs, const torch::Tensor& targets,
                                           std::vector<SampleColumn>& columns, const std::filesystem::path& out_dir,
                                           const std::string& name);

}  // namespace bokeh::reports
