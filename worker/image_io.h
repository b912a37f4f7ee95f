// 8-bit RGB images in memory and on disk (PNG, JPEG read and write; BMP/TGA read) through stb.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include <torch/torch.h>

namespace bokeh::worker {

// Interleaved RGB, row-major: pixel (x, y) channel c at rgb[(y * width + x) * 3 + c].
struct Image {
  int64_t width = 0;
  int64_t height = 0;
  std::vector<uint8_t> rgb;
};

// Decodes any stb-supported file to RGB; throws std::runtime_error naming the file when it is
// missing, unreadable or not an image.
Image read_image(const std::filesystem::path& path);

// Reads only the header: {width, height}. Throws like read_image.
std::pair<int64_t, int64_t> read_image_size(const std::filesystem::path& path);

// Writes PNG or JPEG (quality 95) by the path's extension, atomically (worker/atomic_file.h: a full
// disk is a FileWriteError naming it); throws on failure or other extensions.
void write_image(const std::filesystem::path& path, const Image& image);

// Resize with stb_image_resize's default filters, as called here: Mitchell-Netravali (B = C = 1/3)
// when shrinking, Catmull-Rom when enlarging, on the 8-bit values as stored (no sRGB linearisation),
// edges clamped.
Image resize_image(const Image& image, int64_t width, int64_t height);

// (3, H, W) float in [0, 1] <-> Image; the tensor is clamped and rounded to the nearest level.
torch::Tensor image_to_tensor(const Image& image);
Image tensor_to_image(const torch::Tensor& chw);

}  // namespace bokeh::worker
