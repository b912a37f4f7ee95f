// UTF-8 validation (RFC 3629: the well-formed byte sequences of its table 3-7).
#include "common/utf8_text.h"

#include <fmt/format.h>

namespace bokeh::common {

std::optional<size_t> invalid_utf8_at(const std::string& text) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  for (size_t i = 0; i < text.size();) {
    const unsigned char lead = byte(i);
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // no overlong forms
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;   // no overlong forms
      if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;
    }
    for (size_t k = 1; k < length; ++k) {
      if (i + k >= text.size()) return i + k;
      const unsigned char b = byte(i + k);
      if (k == 1 ? (b < low || b > high) : (b < 0x80 || b > 0xBF)) return i + k;
    }
    i += length;
  }
  return std::nullopt;
}

std::string utf8_problem(const std::string& text) {
  const std::optional<size_t> at = invalid_utf8_at(text);
  if (!at) return "";
  if (*at >= text.size()) return fmt::format("ends inside a UTF-8 character (offset {})", *at);
  return fmt::format("byte 0x{:02X} at offset {} is not UTF-8", static_cast<unsigned char>(text[*at]), *at);
}

}  // namespace bokeh::common
