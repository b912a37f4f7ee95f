// Focus masks: a per-pixel in-focus weight w in [0, 1] (stored as round(255 * w), 255 = in focus)
// for every prepared pair, so that metrics can be split into the sharp subject and the bokeh.
// Three sources, one per kind of data (sweeps/README.md, "Focus masks"):
// - synthetic pairs: the renderer's own circle of confusion, through in_focus_weight;
// - given masks (data.mask_root): 8-bit grayscale images matched by stem, read by read_focus_mask;
// - EBB! without masks: derived from the pair by derive_focus_mask.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "training/data/image.h"

namespace bokeh::training {

// Bumped whenever derive_focus_mask's output changes for the same pair: part of the cache key.
constexpr int kDerivedMaskVersion = 1;

// The synthetic rule: w = 1 where the circle-of-confusion radius r <= 0.5 px (the blur stays within
// the pixel), 0 where r >= 1.5 px, linear in between: w = clamp(1.5 - r, 0, 1).
double in_focus_weight(double coc_radius);

// The rule for a pair without a mask, on the prepared (3, H, W) planes of the sharp input and its
// bokeh target: where the target keeps the input's local high-frequency energy, the lens left the
// pixel in focus.
//   g      = channel mean / 255 of each image
//   e      = (g - box3(g))^2                         high-frequency energy per pixel
//   E      = box7(e)                                 local energy, 7x7 mean
//   ratio  = (E_target + eps) / (E_input + eps),     eps = (2/255)^2 (flat areas count as kept)
//   w      = clamp((ratio - 0.3) / 0.4, 0, 1)        kept at 70% or more: 1, at 30% or less: 0
// boxK is a K x K mean with edges clamped. `mask` receives H x W values round(255 * w).
void derive_focus_mask(const uint8_t* input, const uint8_t* target, int64_t height, int64_t width, uint8_t* mask);

// Throws std::runtime_error when `image` (an Image or Image16 read from `path`) is not a grayscale mask,
// naming the file and the first pixel whose red, green and blue differ, then `context` (e.g. "; data.mask_root").
template <class AnyImage>
void require_grayscale_mask(const AnyImage& image, const std::filesystem::path& path, const std::string& context);

// Reads a given mask (any image read_image reads), checks that it is grayscale (every pixel's
// R = G = B), centre-crops and resizes it like its pair (fit_image) and writes H x W values to
// `mask`. Throws std::runtime_error naming the file (and data.mask_root) when it is not grayscale.
void read_focus_mask(const std::filesystem::path& path, int64_t height, int64_t width, uint8_t* mask);

}  // namespace bokeh::training
