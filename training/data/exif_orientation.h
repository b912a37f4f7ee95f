// EXIF orientation (TIFF tag 0x0112 in a JPEG's APP1 "Exif" segment): reading it from the file's
// bytes and applying it to decoded pixels, so that an image is used the way a viewer shows it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "training/data/image.h"

namespace bokeh::training {

// The orientation value 1..8 of a JPEG file's IFD0; 1 (as stored) when the file has no EXIF
// segment, no orientation tag, or one that is malformed or out of range. Reads only the markers
// before the first scan; never reads outside [data, data + size).
int exif_orientation(const uint8_t* data, size_t size);

// True for orientations 5..8, whose display swaps width and height.
inline bool orientation_swaps_axes(int orientation) { return orientation >= 5 && orientation <= 8; }

// The stored image turned into its displayed form (EXIF 2.3, tag Orientation): 2 mirror
// left-right, 3 rotate 180, 4 mirror top-bottom, 5 transpose, 6 rotate 90 clockwise,
// 7 transverse, 8 rotate 90 counter-clockwise; 1 (or anything else) returns it unchanged.
Image apply_orientation(const Image& stored, int orientation);

}  // namespace bokeh::training
