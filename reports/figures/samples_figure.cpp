// Sample grid: each cell copied into one white canvas; model outputs rendered at the data's size.
#include "reports/figures/samples_figure.h"

#include <fmt/format.h>

#include <cstring>

#include "common/atomic_file.h"
#include "reports/figures/render.h"
#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

// Copies `cell` into the canvas with its top-left corner at (left, top).
void paste(training::Image& canvas, const training::Image& cell, int64_t left, int64_t top) {
  for (int64_t y = 0; y < cell.height; ++y) {
    std::memcpy(&canvas.rgb[((top + y) * canvas.width + left) * 3], &cell.rgb[y * cell.width * 3],
                static_cast<size_t>(cell.width * 3));
  }
}

}  // namespace

std::vector<std::vector<training::Image>> sample_cells(const torch::Tensor& inputs, const torch::Tensor& targets,
                                                       std::vector<SampleColumn>& columns) {
  const auto image = [](const torch::Tensor& chw) {  // uint8 (3, H, W)
    return training::tensor_to_image(chw.to(torch::kFloat32).div(255.0));
  };
  std::vector<std::vector<training::Image>> rows;
  for (int64_t i = 0; i < inputs.size(0); ++i) {
    std::vector<training::Image> row = {image(inputs[i]), image(targets[i])};
    const torch::Tensor x = inputs[i].unsqueeze(0).to(torch::kFloat32).div(255.0);  // (1, 3, H, W)
    for (SampleColumn& column : columns) {
      const torch::Tensor y = render_tensor(column.model, x, /*tile=*/0).squeeze(0);  // (3, H, W)
      row.push_back(image(y.mul(255.0).round().clamp(0, 255).to(torch::kUInt8)));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

training::Image sample_grid(const torch::Tensor& inputs, const torch::Tensor& targets,
                            std::vector<SampleColumn>& columns) {
  const int64_t n = inputs.size(0), h = inputs.size(2), w = inputs.size(3);
  const int64_t cols = 2 + static_cast<int64_t>(columns.size());
  training::Image canvas;
  canvas.width = cols * w + (cols + 1) * kSampleGap;
  canvas.height = n * h + (n + 1) * kSampleGap;
  canvas.rgb.assign(static_cast<size_t>(canvas.width * canvas.height * 3), 255);
  const std::vector<std::vector<training::Image>> cells = sample_cells(inputs, targets, columns);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t c = 0; c < cols; ++c) {
      paste(canvas, cells[i][c], kSampleGap + c * (w + kSampleGap), kSampleGap + i * (h + kSampleGap));
    }
  }
  return canvas;
}

std::filesystem::path write_samples_figure(const torch::Tensor& inputs, const torch::Tensor& targets,
                                           std::vector<SampleColumn>& columns, const std::filesystem::path& out_dir,
                                           const std::string& name) {
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) throw ReportError(fmt::format("cannot create {}: {}", out_dir.string(), error.message()));
  const std::filesystem::path png = out_dir / (name + ".png");
  training::write_image(png, sample_grid(inputs, targets, columns));
  std::string legend = fmt::format(
      "{}.png: one row per test image ({} images); columns, left to right:\n"
      "  input (sharp, f/16)\n  target (bokeh, f/1.8)\n",
      name, inputs.size(0));
  for (const SampleColumn& c : columns) legend += fmt::format("  {} (output of its best checkpoint)\n", c.run);
  common::write_file_atomically(out_dir / (name + ".txt"), legend);
  return png;
}

}  // namespace bokeh::reports
