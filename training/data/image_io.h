// 8-bit RGB images in memory and on disk: JPEG read through libjpeg-turbo (training/data/jpeg_decoder.h),
// PNG/BMP/TGA read and PNG/JPEG written through stb; resizing, and decoding straight to a
// training resolution (the smallest DCT scale, a centred crop to the target's aspect, a resize).
// A 16-bit PNG comes into these 8-bit images rounded to the nearest level, or whole as an Image16.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "training/data/image.h"

namespace bokeh::training {

// Decodes a file to RGB as displayed: a JPEG (recognised by its bytes, whatever the extension)
// with libjpeg-turbo at full size (grayscale and CMYK converted, EXIF orientation applied), any
// other stb-supported format with stb; a 16-bit PNG rounded to 8 bits, round(v * 255 / 65535) (stb
// alone would keep the high byte). Throws std::runtime_error naming the file when it is missing,
// unreadable, not an image, or a corrupt or truncated JPEG.
Image read_image(const std::filesystem::path& path);

// Decodes like read_image but keeps a 16-bit PNG's every bit; 8-bit files are widened (Image16).
Image16 read_image_16(const std::filesystem::path& path);

// stb_image for every format, JPEG included, without EXIF orientation: the decoder the cache used
// before libjpeg-turbo, kept as a second implementation for tests and bench/data_pipeline.
Image read_image_with_stb(const std::filesystem::path& path);

// {width, height} as read_image would return them (EXIF orientation applied), from the header
// only. Throws like read_image.
std::pair<int64_t, int64_t> read_image_size(const std::filesystem::path& path);

// Writes PNG or JPEG (quality 95, no chroma subsampling: stb_image_write) by the path's extension,
// atomically (common/atomic_file.h: a full disk is a FileWriteError naming it); throws on failure or
// other extensions.
void write_image(const std::filesystem::path& path, const Image& image);

// The PNG file's bytes, in memory (for pages that inline their images).
std::string encode_png(const Image& image);

// Resize with stb_image_resize's default filters, as called here: Mitchell-Netravali (B = C = 1/3)
// when shrinking, Catmull-Rom when enlarging, chosen per axis, on the 8-bit values as stored (no
// sRGB linearisation), edges clamped.
Image resize_image(const Image& image, int64_t width, int64_t height);

// The centred crop of the target's aspect ratio (training/data/image.h: centred_crop), resized to
// width x height: an image of another aspect loses its edges rather than being stretched.
Image fit_image(const Image& image, int64_t width, int64_t height);

// fit_image(read_image(path), width, height), except that a JPEG is decoded at the smallest DCT
// scale (1/8, 1/4, 1/2) that still covers the crop (training/data/jpeg_decoder.h: choose_jpeg_scale), so
// a 1536x1024 photo for 384x256 is decoded straight to 384x256. The crop is taken in the full
// picture's pixels, so both sample the same region; the pixels differ from a full decode followed
// by fit_image by the DCT scaling's own filter (tests/training/test_image_decode.cpp states the tolerance).
Image read_image_fitted(const std::filesystem::path& path, int64_t width, int64_t height);

// Bumped whenever read_image_fitted's pixels change for the same file: part of the cache key.
constexpr int kFittedImageVersion = 3;  // 3: 16-bit PNGs rounded, not truncated

}  // namespace bokeh::training
