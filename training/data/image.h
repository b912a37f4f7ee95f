// An 8-bit RGB image in memory (the one pixel type the decoders, the resizer and the cache share),
// its 16-bit counterpart for `metrics`, and the centred crop that gives an image a target's aspect ratio.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace bokeh::training {

// Interleaved RGB, row-major: pixel (x, y) channel c at rgb[(y * width + x) * 3 + c].
struct Image {
  int64_t width = 0;
  int64_t height = 0;
  std::vector<uint8_t> rgb;
};

// RGB at 16 bits per sample, laid out like Image: a 16-bit PNG as stored, an 8-bit image widened
// exactly (v * 257, so sample / 65535 == v / 255): sample / 65535 is the file's value in [0, 1].
struct Image16 {
  int64_t width = 0;
  int64_t height = 0;
  std::vector<uint16_t> rgb;
};

// A rectangle of pixels: columns [x, x + width), rows [y, y + height).
struct CropBox {
  int64_t x = 0, y = 0, width = 0, height = 0;
};

// The largest centred box of a width x height image with the aspect ratio of target_width x
// target_height (its other side rounded to the nearest pixel): the whole image when the aspects
// agree to within that rounding.
inline CropBox centred_crop(int64_t width, int64_t height, int64_t target_width, int64_t target_height) {
  CropBox box{0, 0, width, height};
  if (width * target_height > height * target_width)  // wider than the target: trim left and right
    box.width = std::min(width, (2 * height * target_width + target_height) / (2 * target_height));
  else  // taller: trim top and bottom
    box.height = std::min(height, (2 * width * target_height + target_width) / (2 * target_width));
  box.x = (width - box.width) / 2;
  box.y = (height - box.height) / 2;
  return box;
}

}  // namespace bokeh::training
