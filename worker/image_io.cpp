// Image decoding, encoding and resizing with stb_image / stb_image_write / stb_image_resize.
#include "worker/image_io.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include "worker/atomic_file.h"

namespace bokeh::worker {

namespace {
std::string lower_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}
}  // namespace

Image read_image(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error(path.string() + ": no such file");
  int w = 0, h = 0, channels = 0;
  uint8_t* data = stbi_load(path.c_str(), &w, &h, &channels, 3);
  if (data == nullptr)
    throw std::runtime_error(path.string() + ": cannot decode image (" + stbi_failure_reason() + ")");
  Image image{w, h, std::vector<uint8_t>(data, data + static_cast<size_t>(w) * h * 3)};
  stbi_image_free(data);
  return image;
}

std::pair<int64_t, int64_t> read_image_size(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error(path.string() + ": no such file");
  int w = 0, h = 0, channels = 0;
  if (stbi_info(path.c_str(), &w, &h, &channels) == 0)
    throw std::runtime_error(path.string() + ": cannot decode image (" + stbi_failure_reason() + ")");
  return {w, h};
}

void write_image(const std::filesystem::path& path, const Image& image) {
  const std::string ext = lower_extension(path);
  const int w = static_cast<int>(image.width), h = static_cast<int>(image.height);
  std::string encoded;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
  };
  int ok = 0;
  if (ext == ".png")
    ok = stbi_write_png_to_func(append, &encoded, w, h, 3, image.rgb.data(), w * 3);
  else if (ext == ".jpg" || ext == ".jpeg")
    ok = stbi_write_jpg_to_func(append, &encoded, w, h, 3, image.rgb.data(), 95);
  else
    throw std::runtime_error(path.string() + ": unsupported image extension (use .png or .jpg)");
  if (ok == 0 || encoded.empty()) throw std::runtime_error(path.string() + ": cannot encode image");
  write_file_atomically(path, encoded);
}

Image resize_image(const Image& image, int64_t width, int64_t height) {
  if (image.width == width && image.height == height) return image;
  Image out{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3)};
  const int ok = stbir_resize_uint8_generic(
      image.rgb.data(), static_cast<int>(image.width), static_cast<int>(image.height), 0,
      out.rgb.data(), static_cast<int>(width), static_cast<int>(height), 0, 3, STBIR_ALPHA_CHANNEL_NONE,
      0, STBIR_EDGE_CLAMP, STBIR_FILTER_DEFAULT, STBIR_COLORSPACE_LINEAR, nullptr);
  if (ok == 0) throw std::runtime_error("image resize failed");
  return out;
}

torch::Tensor image_to_tensor(const Image& image) {
  auto hwc = torch::from_blob(const_cast<uint8_t*>(image.rgb.data()), {image.height, image.width, 3},
                              torch::kUInt8);
  return hwc.permute({2, 0, 1}).to(torch::kFloat32).div_(255.0f).contiguous();
}

Image tensor_to_image(const torch::Tensor& chw) {
  TORCH_CHECK(chw.dim() == 3 && chw.size(0) == 3, "expected a (3, H, W) tensor");
  auto hwc = chw.detach().to(torch::kCPU, torch::kFloat32).clamp(0, 1).mul(255.0f).round()
                 .to(torch::kUInt8).permute({1, 2, 0}).contiguous();
  Image image{chw.size(2), chw.size(1), {}};
  image.rgb.assign(hwc.data_ptr<uint8_t>(), hwc.data_ptr<uint8_t>() + hwc.numel());
  return image;
}

}  // namespace bokeh::worker
