// EXIF orientation: a bounds-checked walk over the JPEG markers up to the first scan, the TIFF
// header and IFD0 of an APP1 "Exif" segment, and the eight pixel transforms of the tag.
#include "training/data/exif_orientation.h"

#include <cstring>

namespace bokeh::training {

namespace {

constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint16_t kTiffShort = 3;

// Reads 16/32-bit values of a TIFF block in its byte order, refusing any read past its end.
class TiffReader {
 public:
  TiffReader(const uint8_t* data, size_t size, bool big_endian) : data_(data), size_(size), big_(big_endian) {}
  bool u16(size_t at, uint16_t& out) const {
    if (at + 2 > size_) return false;
    out = big_ ? uint16_t(data_[at] << 8 | data_[at + 1]) : uint16_t(data_[at + 1] << 8 | data_[at]);
    return true;
  }
  bool u32(size_t at, uint32_t& out) const {
    uint16_t a = 0, b = 0;
    if (!u16(at, a) || !u16(at + 2, b)) return false;
    out = big_ ? (uint32_t(a) << 16 | b) : (uint32_t(b) << 16 | a);
    return true;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  bool big_;
};

// The orientation in a TIFF block ("II" or "MM", 42, offset of IFD0, IFD0's 12-byte entries).
int tiff_orientation(const uint8_t* tiff, size_t size) {
  if (size < 8) return 1;
  const bool big = tiff[0] == 'M' && tiff[1] == 'M';
  if (!big && !(tiff[0] == 'I' && tiff[1] == 'I')) return 1;
  const TiffReader r(tiff, size, big);
  uint16_t magic = 0, entries = 0;
  uint32_t ifd = 0;
  if (!r.u16(2, magic) || magic != 42 || !r.u32(4, ifd) || !r.u16(ifd, entries)) return 1;
  for (uint32_t e = 0; e < entries; ++e) {
    const size_t entry = size_t(ifd) + 2 + 12 * size_t(e);
    uint16_t tag = 0, type = 0, value = 0;
    uint32_t count = 0;
    if (!r.u16(entry, tag) || !r.u16(entry + 2, type) || !r.u32(entry + 4, count) || !r.u16(entry + 8, value)) return 1;
    if (tag == kOrientationTag) return type == kTiffShort && count == 1 && value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

}  // namespace

int exif_orientation(const uint8_t* data, size_t size) {
  if (size < 4 || data[0] != 0xFF || data[1] != 0xD8) return 1;
  size_t pos = 2;
  while (pos + 4 <= size) {
    if (data[pos] != 0xFF) return 1;
    const uint8_t marker = data[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return 1;              // start of scan or end of image: no EXIF before it
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // markers without a length
      pos += 2;
      continue;
    }
    const size_t length = size_t(data[pos + 2]) << 8 | data[pos + 3];  // includes its own 2 bytes
    if (length < 2 || pos + 2 + length > size) return 1;
    const uint8_t* body = data + pos + 4;
    const size_t body_size = length - 2;
    if (marker == 0xE1 && body_size >= 6 && std::memcmp(body, "Exif\0\0", 6) == 0)
      return tiff_orientation(body + 6, body_size - 6);
    pos += 2 + length;
  }
  return 1;
}

Image apply_orientation(const Image& stored, int orientation) {
  if (orientation < 2 || orientation > 8) return stored;
  const int64_t w = stored.width, h = stored.height;
  const bool swap = orientation_swaps_axes(orientation);
  Image out{swap ? h : w, swap ? w : h, std::vector<uint8_t>(stored.rgb.size())};
  for (int64_t y = 0; y < out.height; ++y) {
    for (int64_t x = 0; x < out.width; ++x) {
      int64_t sx = x, sy = y;  // the stored pixel shown at (x, y)
      switch (orientation) {
        case 2:
          sx = w - 1 - x;
          break;
        case 3:
          sx = w - 1 - x, sy = h - 1 - y;
          break;
        case 4:
          sy = h - 1 - y;
          break;
        case 5:
          sx = y, sy = x;
          break;
        case 6:
          sx = y, sy = h - 1 - x;
          break;
        case 7:
          sx = w - 1 - y, sy = h - 1 - x;
          break;
        case 8:
          sx = w - 1 - y, sy = x;
          break;
      }
      std::memcpy(&out.rgb[size_t((y * out.width + x) * 3)], &stored.rgb[size_t((sy * w + sx) * 3)], 3);
    }
  }
  return out;
}

}  // namespace bokeh::training
