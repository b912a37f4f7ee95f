// JPEG decoding with libjpeg-turbo's TurboJPEG API: the header (size as displayed, EXIF
// orientation), the DCT-domain scale a target size allows, and strict decoding to RGB at that
// scale (grayscale and CMYK converted, EXIF orientation applied, any libjpeg warning refused).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "training/data/image.h"

namespace bokeh::training {

// True when the bytes start like a JPEG file (SOI marker followed by another marker).
bool looks_like_jpeg(const uint8_t* data, size_t size);

struct JpegInfo {
  int64_t width = 0, height = 0;  // as displayed: stored width and height swapped for orientations 5..8
  int orientation = 1;            // EXIF orientation 1..8 (training/data/exif_orientation.h)
};

// Reads the header (up to the first scan). `name` only labels errors: std::runtime_error
// "<name>: not a readable JPEG (<libjpeg's reason>)".
JpegInfo read_jpeg_info(const uint8_t* data, size_t size, const std::filesystem::path& name);

// The largest power-of-two reduction 1/d (d = 8, 4, 2, else 1) that libjpeg can decode in the DCT
// domain and that still leaves the centred crop of the target's aspect (training/data/image.h) at least
// target_width x target_height. Sizes are as displayed; the scaled size of a side s is ceil(s / d),
// libjpeg's rule.
int choose_jpeg_scale(int64_t width, int64_t height, int64_t target_width, int64_t target_height);

// Decodes at 1/scale_denominator (1, 2, 4 or 8) of the stored size in the DCT domain, converts
// grayscale (R = G = B) and CMYK/YCCK (Adobe's inverted values, as Photoshop writes them and as
// stb_image and PIL read them: R = C * K / 255, ...) to RGB, then applies the EXIF orientation.
// A corrupt or truncated file, or any warning libjpeg raises while decoding, throws
// std::runtime_error "<name>: corrupt or truncated JPEG (<libjpeg's reason>)".
Image decode_jpeg(const uint8_t* data, size_t size, const std::filesystem::path& name, int scale_denominator = 1);

}  // namespace bokeh::training
