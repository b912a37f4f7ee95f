// PyNET-Bokeh's layers as data (Ignatov, Patel & Timofte 2020; aiff22/PyNET-Bokeh model.py), without
// libtorch: every conv with its channels, kernel, resolution and part of the network, from which its
// facts (common/pynet_facts.cpp) count parameters and FLOPs. The module itself is training/pynet.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bokeh::common {

// One conv of the network. Resolutions are given as the side of one of its pixels in input pixels
// (the full-size level "up" is 1, level 0 is 2, level L in 1..5 is 2^(L+1)).
struct PyNetConv {
  std::string part;  // model.py's level: "encoder 1".."encoder 4", "level 5".."level 1", "levels 0 and up"
  int64_t in = 0, out = 0, kernel = 0;
  int64_t pixel = 1;        // the side of an output pixel (of an input pixel for a transposed conv)
  bool transposed = false;  // 3x3 stride 2, no bias: doubles the resolution
  bool bias = true;
  bool instance_norm = false;  // followed by an instance norm with a learnable scale and shift
};

// Every conv in model.py's order, at `width` maps on the finest processing level (32 is the reference;
// each level's maps scale with it) for photos of `input_channels` channels (3; 4 with a depth map).
std::vector<PyNetConv> pynet_convs(int64_t width, int64_t input_channels);

// Trainable parameters of a conv: weights, bias, instance norm's scale and shift.
int64_t conv_parameters(const PyNetConv& conv);

}  // namespace bokeh::common
