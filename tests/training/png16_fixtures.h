// 16-bit RGB PNG files written by hand for the tests (stb_image_write writes 8-bit only): the
// samples big-endian behind filter byte 0 on each row, in a zlib stream of stored (uncompressed)
// deflate blocks, with the chunks' CRC-32 and the stream's Adler-32 computed here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bokeh::test {

namespace png16_detail {
inline void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

inline uint32_t crc32(const std::string& bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (const char byte : bytes) {
    crc ^= static_cast<uint8_t>(byte);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline uint32_t adler32(const std::string& bytes) {
  uint32_t a = 1, b = 0;
  for (const char byte : bytes) {
    a = (a + static_cast<uint8_t>(byte)) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

inline void put_chunk(std::string& out, const std::string& type, const std::string& data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  out += type + data;
  put_u32(out, crc32(type + data));
}

// A zlib stream of stored blocks (at most 65535 bytes each) holding `raw`.
inline std::string stored_zlib(const std::string& raw) {
  std::string out = "\x78\x01";
  size_t at = 0;
  do {
    const size_t n = std::min<size_t>(65535, raw.size() - at);
    out.push_back(at + n == raw.size() ? '\x01' : '\x00');  // BFINAL on the last block, BTYPE 00
    const auto len = static_cast<uint16_t>(n), nlen = static_cast<uint16_t>(~len);
    out += {static_cast<char>(len & 0xFF), static_cast<char>(len >> 8), static_cast<char>(nlen & 0xFF),
            static_cast<char>(nlen >> 8)};
    out.append(raw, at, n);
    at += n;
  } while (at < raw.size());
  put_u32(out, adler32(raw));
  return out;
}
}  // namespace png16_detail

// Writes `rgb` (width x height, interleaved, row-major) as a 16-bit RGB PNG.
inline void write_png16(const std::filesystem::path& path, int64_t width, int64_t height,
                        const std::vector<uint16_t>& rgb) {
  using namespace png16_detail;
  if (static_cast<int64_t>(rgb.size()) != width * height * 3) throw std::invalid_argument("write_png16: wrong size");
  std::string header;
  put_u32(header, static_cast<uint32_t>(width));
  put_u32(header, static_cast<uint32_t>(height));
  header += {16, 2, 0, 0, 0};  // bit depth 16, colour type RGB, deflate, filter method 0, no interlace
  std::string raw;
  for (int64_t y = 0; y < height; ++y) {
    raw.push_back('\0');  // filter: none
    for (int64_t i = 0; i < width * 3; ++i) {
      const uint16_t v = rgb[static_cast<size_t>(y * width * 3 + i)];
      raw += {static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)};
    }
  }
  std::string png = "\x89PNG\r\n\x1a\n";
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", stored_zlib(raw));
  put_chunk(png, "IEND", "");
  std::ofstream out(path, std::ios::binary);
  out.write(png.data(), static_cast<std::streamsize>(png.size()));
  if (!out) throw std::runtime_error("write_png16: cannot write " + path.string());
}

}  // namespace bokeh::test
