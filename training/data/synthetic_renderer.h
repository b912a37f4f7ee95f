// The built-in synthetic data: deterministic EBB!-like pairs (a sharp "f/16" original and its
// "f/1.8" bokeh target) plus a depth map, rendered from (SyntheticConfig, index) alone.
//
// Scene: a textured background on a tilted far plane with small bright highlights, zero to two
// mid-ground blobs, and one or two textured subjects with soft edges at the focus depth.
// Target: every surface is blurred by a disc whose radius is the thin-lens circle of confusion
// r = K * |disparity - disparity_focus|, layers composited back to front with soft alpha, in linear
// light (sRGB-like gamma 2.2 undone before the blur and redone after) so that highlights, brighter
// than white in linear light, become bokeh balls. Subjects sit at the focus depth and stay sharp.
// Mask: each pixel's in-focus weight from its circle of confusion (training/data/focus_masks.h).
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/run_config.h"
#include "training/data/image_io.h"

namespace bokeh::training {

// Bumped whenever the renderer's output changes, so cached renderings are redone.
constexpr int kSyntheticRendererVersion = 2;  // 2: the focus mask

// Depth d in [0, 1] (0 near, 1 far); the renderer works in normalised disparity 1 - d, so
// |disparity - disparity_focus| = |d - focus|. The depth map stores round(255 * d) in all channels.
struct SyntheticPair {
  Image original;  // size x size, sharp
  Image bokeh;     // size x size, the target
  Image depth;     // size x size, grey
  // size x size, grey: round(255 * w), w = in_focus_weight(r) of the surface seen at the pixel, an
  // object's soft edge blending its w with what lies behind by its coverage (as the original does).
  Image mask;
};

// Throws std::invalid_argument naming the field when count < 0, size < 8, focus outside [0, 1]
// or aperture < 0.
void validate_synthetic_config(const common::SyntheticConfig& config);

// Circle-of-confusion radius in pixels of a surface at depth d:
// K * |d - focus| with K = aperture * 0.1 * size, capped at size / 8.
double circle_of_confusion(const common::SyntheticConfig& config, double depth);

// Pair `index` of the dataset described by `config` (same inputs, same bytes, on every platform).
SyntheticPair render_synthetic_pair(const common::SyntheticConfig& config, int64_t index);

// Writes pairs 0..count-1 as root/original/N.png, root/bokeh/N.png, root/depth/N.png and
// root/mask/N.png (EBB!'s layout, lossless), rendering on the ATen thread pool.
void write_synthetic_dataset(const std::filesystem::path& root, const common::SyntheticConfig& config);

}  // namespace bokeh::training
