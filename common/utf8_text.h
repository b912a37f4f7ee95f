// UTF-8 validation of text that reaches JSON (nlohmann::json::dump() throws on invalid UTF-8): spec
// strings, --set arguments.
#pragma once

#include <optional>
#include <string>

namespace bokeh::common {

// The offset of the first byte that does not begin or continue a well-formed UTF-8 character (an
// overlong form, a surrogate, above U+10FFFF, or cut short), or nullopt for valid UTF-8.
std::optional<size_t> invalid_utf8_at(const std::string& text);

// "byte 0xFF at offset 3 is not UTF-8" for the first invalid byte, or "" for valid UTF-8.
std::string utf8_problem(const std::string& text);

}  // namespace bokeh::common
