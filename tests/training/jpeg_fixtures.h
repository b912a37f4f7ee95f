// JPEG files written for the decode tests with TurboJPEG's encoder (any pixel format and chroma
// subsampling, CMYK and grayscale included), an EXIF orientation spliced in after SOI, and
// truncated or damaged copies.
#pragma once

#include <turbojpeg.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace bokeh::test {

// Encodes `pixels` (width x height, channels per tjPixelSize[format]) at `quality`.
inline std::vector<uint8_t> encode_jpeg(const std::vector<uint8_t>& pixels, int width, int height, TJPF format,
                                        TJSAMP subsampling, int quality = 95) {
  tjhandle handle = tjInitCompress();
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const int rc = tjCompress2(handle, pixels.data(), width, 0, height, format, &out, &size, subsampling, quality, 0);
  const std::string error = rc != 0 ? tjGetErrorStr2(handle) : "";
  std::vector<uint8_t> bytes(out, out + (rc == 0 ? size : 0));
  tjFree(out);
  tjDestroy(handle);
  if (rc != 0) throw std::runtime_error("test JPEG encoding failed: " + error);
  return bytes;
}

// The JPEG with an APP1 "Exif" segment right after SOI: a TIFF header in the given byte order
// and an IFD0 holding one entry, Orientation (0x0112, SHORT, 1) = orientation.
inline std::vector<uint8_t> with_exif_orientation(const std::vector<uint8_t>& jpeg, int orientation, bool big_endian) {
  auto u16 = [&](std::vector<uint8_t>& v, unsigned x) {
    if (big_endian)
      v.insert(v.end(), {uint8_t(x >> 8), uint8_t(x)});
    else
      v.insert(v.end(), {uint8_t(x), uint8_t(x >> 8)});
  };
  auto u32 = [&](std::vector<uint8_t>& v, uint32_t x) {
    if (big_endian)
      u16(v, x >> 16), u16(v, x & 0xFFFF);
    else
      u16(v, x & 0xFFFF), u16(v, x >> 16);
  };
  std::vector<uint8_t> tiff = big_endian ? std::vector<uint8_t>{'M', 'M'} : std::vector<uint8_t>{'I', 'I'};
  u16(tiff, 42);
  u32(tiff, 8);  // IFD0 right after the header
  u16(tiff, 1);  // one entry
  u16(tiff, 0x0112), u16(tiff, 3), u32(tiff, 1);
  u16(tiff, static_cast<unsigned>(orientation)), u16(tiff, 0);  // the SHORT, left-justified in 4 bytes
  u32(tiff, 0);                                                 // no next IFD
  std::vector<uint8_t> body = {'E', 'x', 'i', 'f', 0, 0};
  body.insert(body.end(), tiff.begin(), tiff.end());
  const size_t length = body.size() + 2;
  std::vector<uint8_t> out(jpeg.begin(), jpeg.begin() + 2);  // SOI
  out.insert(out.end(), {0xFF, 0xE1, uint8_t(length >> 8), uint8_t(length)});
  out.insert(out.end(), body.begin(), body.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

inline void write_bytes(const std::filesystem::path& file, const std::vector<uint8_t>& bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<uint8_t> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace bokeh::test
