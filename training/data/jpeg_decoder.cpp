// TurboJPEG decoding: one decompressor handle per thread, the scale choice, CMYK to RGB and the
// EXIF orientation (training/data/exif_orientation.h).
#include "training/data/jpeg_decoder.h"

#include <turbojpeg.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "training/data/exif_orientation.h"

namespace bokeh::training {

namespace {

struct HandleDeleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};

// This thread's decompressor (a TurboJPEG handle is not safe to share between threads). After a
// failure it is replaced: TurboJPEG 2.1 leaves a handle mid-header when a header read fails, and the
// next file would be read from that state.
thread_local std::unique_ptr<void, HandleDeleter> thread_handle;

tjhandle decompressor() {
  if (!thread_handle) thread_handle.reset(tjInitDecompress());
  if (!thread_handle) throw std::runtime_error(std::string("cannot start libjpeg-turbo: ") + tjGetErrorStr2(nullptr));
  return thread_handle.get();
}

// The handle's error as an exception, the handle dropped.
std::runtime_error failure(tjhandle handle, const std::filesystem::path& name, const char* what) {
  std::runtime_error error(name.string() + ": " + what + " (" + tjGetErrorStr2(handle) + ")");
  thread_handle.reset();
  return error;
}

struct StoredHeader {
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
};

StoredHeader read_stored_header(tjhandle handle, const uint8_t* data, size_t size, const std::filesystem::path& name) {
  StoredHeader h;
  if (tjDecompressHeader3(handle, data, static_cast<unsigned long>(size), &h.width, &h.height, &h.subsampling,
                          &h.colorspace) != 0)
    throw failure(handle, name, "not a readable JPEG");
  return h;
}

int64_t scaled(int64_t side, int denominator) { return (side + denominator - 1) / denominator; }

}  // namespace

bool looks_like_jpeg(const uint8_t* data, size_t size) {
  return size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

JpegInfo read_jpeg_info(const uint8_t* data, size_t size, const std::filesystem::path& name) {
  const StoredHeader h = read_stored_header(decompressor(), data, size, name);
  JpegInfo info;
  info.orientation = exif_orientation(data, size);
  const bool swap = orientation_swaps_axes(info.orientation);
  info.width = swap ? h.height : h.width;
  info.height = swap ? h.width : h.height;
  return info;
}

int choose_jpeg_scale(int64_t width, int64_t height, int64_t target_width, int64_t target_height) {
  if (target_width <= 0 || target_height <= 0) return 1;
  for (int d : {8, 4, 2}) {
    const CropBox box = centred_crop(scaled(width, d), scaled(height, d), target_width, target_height);
    if (box.width >= target_width && box.height >= target_height) return d;
  }
  return 1;
}

Image decode_jpeg(const uint8_t* data, size_t size, const std::filesystem::path& name, int scale_denominator) {
  if (scale_denominator != 1 && scale_denominator != 2 && scale_denominator != 4 && scale_denominator != 8)
    throw std::invalid_argument("JPEG scale must be 1/1, 1/2, 1/4 or 1/8, got 1/" + std::to_string(scale_denominator));
  tjhandle handle = decompressor();
  const StoredHeader h = read_stored_header(handle, data, size, name);
  const bool cmyk = h.colorspace == TJCS_CMYK || h.colorspace == TJCS_YCCK;
  const int channels = cmyk ? 4 : 3;
  const int64_t w = scaled(h.width, scale_denominator), ht = scaled(h.height, scale_denominator);
  std::vector<uint8_t> pixels(static_cast<size_t>(w * ht * channels));
  if (tjDecompress2(handle, data, static_cast<unsigned long>(size), pixels.data(), static_cast<int>(w), 0,
                    static_cast<int>(ht), cmyk ? TJPF_CMYK : TJPF_RGB, TJFLAG_STOPONWARNING) != 0)
    throw failure(handle, name, "corrupt or truncated JPEG");
  Image image{w, ht, {}};
  if (cmyk) {
    image.rgb.resize(static_cast<size_t>(w * ht * 3));
    for (size_t i = 0, n = static_cast<size_t>(w * ht); i < n; ++i) {
      const unsigned k = pixels[i * 4 + 3];
      for (size_t c = 0; c < 3; ++c) image.rgb[i * 3 + c] = static_cast<uint8_t>((pixels[i * 4 + c] * k + 127) / 255);
    }
  } else {
    image.rgb = std::move(pixels);
  }
  const int orientation = exif_orientation(data, size);
  if (orientation == 1) return image;
  return apply_orientation(image, orientation);
}

}  // namespace bokeh::training
