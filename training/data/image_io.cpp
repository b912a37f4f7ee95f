// Image decoding (libjpeg-turbo for JPEG, stb_image for the rest), encoding (stb_image_write),
// resizing and fitting to a training resolution (stb_image_resize).
#include "training/data/image_io.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include "common/atomic_file.h"
#include "training/data/jpeg_decoder.h"

namespace bokeh::training {

namespace {
// The first max_bytes bytes of a file (all of it when max_bytes < 0).
std::vector<uint8_t> read_bytes(const std::filesystem::path& path, int64_t max_bytes) {
  if (!std::filesystem::exists(path)) throw std::runtime_error(path.string() + ": no such file");
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error(path.string() + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  const auto size = static_cast<int64_t>(std::filesystem::file_size(path));
  std::vector<uint8_t> bytes(static_cast<size_t>(max_bytes < 0 ? size : std::min(size, max_bytes)));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
    throw std::runtime_error(path.string() + ": cannot read");
  return bytes;
}

bool is_16_bit(const std::vector<uint8_t>& bytes) {
  return stbi_is_16_bit_from_memory(bytes.data(), static_cast<int>(bytes.size())) != 0;
}

// The image stb decodes with `load` (stbi_load_from_memory or stbi_load_16_from_memory) as RGB.
template <typename ImageType, typename Load>
ImageType decode_rgb_with_stb(const std::vector<uint8_t>& bytes, const std::filesystem::path& path, Load load) {
  int w = 0, h = 0, channels = 0;
  auto* data = load(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &channels, 3);
  if (data == nullptr)
    throw std::runtime_error(path.string() + ": cannot decode image (" + stbi_failure_reason() + ")");
  ImageType image{w, h, {data, data + static_cast<size_t>(w) * h * 3}};
  stbi_image_free(data);
  return image;
}

Image16 decode_16_with_stb(const std::vector<uint8_t>& bytes, const std::filesystem::path& path) {
  return decode_rgb_with_stb<Image16>(bytes, path, stbi_load_16_from_memory);
}

// Each 16-bit sample v to the nearest 8-bit level, round(v * 255 / 65535) (never a tie: 65535 = 255 * 257).
Image narrow(const Image16& wide) {
  Image image{wide.width, wide.height, std::vector<uint8_t>(wide.rgb.size())};
  for (size_t i = 0; i < wide.rgb.size(); ++i)
    image.rgb[i] = static_cast<uint8_t>((wide.rgb[i] * 255u + 32767u) / 65535u);
  return image;
}

Image16 widen(const Image& image) {
  Image16 wide{image.width, image.height, std::vector<uint16_t>(image.rgb.size())};
  for (size_t i = 0; i < image.rgb.size(); ++i) wide.rgb[i] = static_cast<uint16_t>(image.rgb[i] * 257u);
  return wide;
}

Image decode_with_stb(const std::vector<uint8_t>& bytes, const std::filesystem::path& path) {
  if (is_16_bit(bytes)) return narrow(decode_16_with_stb(bytes, path));
  return decode_rgb_with_stb<Image>(bytes, path, stbi_load_from_memory);
}

// A JPEG with libjpeg-turbo, anything else with stb (8 bits).
Image decode_any(const std::vector<uint8_t>& bytes, const std::filesystem::path& path) {
  if (looks_like_jpeg(bytes.data(), bytes.size())) return decode_jpeg(bytes.data(), bytes.size(), path);
  return decode_with_stb(bytes, path);
}

// `box`, given in the pixels of a `frame_width` x `frame_height` version of the same picture (the
// full-size decode, when `image` is a DCT-scaled one), resized from `image` to width x height with
// resize_image's filters. The box is passed to stb as fractions of the picture, so a scaled decode
// samples exactly the region a full one would; a box that is already width x height is copied.
Image resize_box(const Image& image, const CropBox& box, int64_t frame_width, int64_t frame_height, int64_t width,
                 int64_t height) {
  const bool whole = box.x == 0 && box.y == 0 && box.width == frame_width && box.height == frame_height;
  if (whole && image.width == width && image.height == height) return image;
  Image out{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3)};
  if (image.width == frame_width && image.height == frame_height && box.width == width && box.height == height) {
    for (int64_t y = 0; y < height; ++y) {
      const uint8_t* row = image.rgb.data() + ((box.y + y) * image.width + box.x) * 3;
      std::copy(row, row + width * 3, out.rgb.data() + y * width * 3);
    }
    return out;
  }
  const auto fraction = [](int64_t at, int64_t of) { return static_cast<float>(static_cast<double>(at) / of); };
  const int ok = stbir_resize_region(
      image.rgb.data(), static_cast<int>(image.width), static_cast<int>(image.height), 0, out.rgb.data(),
      static_cast<int>(width), static_cast<int>(height), 0, STBIR_TYPE_UINT8, 3, STBIR_ALPHA_CHANNEL_NONE, 0,
      STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP, STBIR_FILTER_DEFAULT, STBIR_FILTER_DEFAULT, STBIR_COLORSPACE_LINEAR, nullptr,
      fraction(box.x, frame_width), fraction(box.y, frame_height), fraction(box.x + box.width, frame_width),
      fraction(box.y + box.height, frame_height));
  if (ok == 0) throw std::runtime_error("image resize failed");
  return out;
}

std::string lower_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}
}  // namespace

Image read_image_with_stb(const std::filesystem::path& path) { return decode_with_stb(read_bytes(path, -1), path); }

Image read_image(const std::filesystem::path& path) { return decode_any(read_bytes(path, -1), path); }

Image16 read_image_16(const std::filesystem::path& path) {
  const std::vector<uint8_t> bytes = read_bytes(path, -1);
  if (!looks_like_jpeg(bytes.data(), bytes.size()) && is_16_bit(bytes)) return decode_16_with_stb(bytes, path);
  return widen(decode_any(bytes, path));
}

Image read_image_fitted(const std::filesystem::path& path, int64_t width, int64_t height) {
  const std::vector<uint8_t> bytes = read_bytes(path, -1);
  if (!looks_like_jpeg(bytes.data(), bytes.size())) return fit_image(decode_with_stb(bytes, path), width, height);
  const JpegInfo info = read_jpeg_info(bytes.data(), bytes.size(), path);
  const int scale = choose_jpeg_scale(info.width, info.height, width, height);
  return resize_box(decode_jpeg(bytes.data(), bytes.size(), path, scale),
                    centred_crop(info.width, info.height, width, height), info.width, info.height, width, height);
}

std::pair<int64_t, int64_t> read_image_size(const std::filesystem::path& path) {
  // The header of a JPEG sits in its first kilobytes unless large metadata (EXIF thumbnails, ICC
  // profiles) precede it; then the whole file is read.
  constexpr int64_t kHeaderBytes = 64 * 1024;
  std::vector<uint8_t> bytes = read_bytes(path, kHeaderBytes);
  if (looks_like_jpeg(bytes.data(), bytes.size())) {
    try {
      const JpegInfo info = read_jpeg_info(bytes.data(), bytes.size(), path);
      return {info.width, info.height};
    } catch (const std::runtime_error&) {
      if (static_cast<int64_t>(bytes.size()) < kHeaderBytes) throw;
    }
    bytes = read_bytes(path, -1);
    const JpegInfo info = read_jpeg_info(bytes.data(), bytes.size(), path);
    return {info.width, info.height};
  }
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
  common::write_file_atomically(path, encoded);
}

std::string encode_png(const Image& image) {
  std::string out;
  const auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
  };
  const int w = static_cast<int>(image.width), h = static_cast<int>(image.height);
  if (stbi_write_png_to_func(append, &out, w, h, 3, image.rgb.data(), w * 3) == 0) {
    throw std::runtime_error("cannot encode a " + std::to_string(w) + "x" + std::to_string(h) + " image as PNG");
  }
  return out;
}

Image resize_image(const Image& image, int64_t width, int64_t height) {
  return resize_box(image, CropBox{0, 0, image.width, image.height}, image.width, image.height, width, height);
}

Image fit_image(const Image& image, int64_t width, int64_t height) {
  return resize_box(image, centred_crop(image.width, image.height, width, height), image.width, image.height, width,
                    height);
}

}  // namespace bokeh::training
