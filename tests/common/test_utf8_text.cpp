// UTF-8 validation: well-formed text of 1 to 4 byte characters passes; stray, overlong, surrogate,
// out-of-range and cut-short sequences are found at their first bad byte.
#include <catch2/catch.hpp>

#include "common/utf8_text.h"

using bokeh::common::invalid_utf8_at;
using bokeh::common::utf8_problem;

TEST_CASE("well-formed UTF-8 passes", "[utf8]") {
  for (const std::string text : {"", "plain ascii", "\xc3\xbc-\xc3\x9f", "\xe2\x89\x88 0.5", "\xf0\x9f\x98\x80",
                                 "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf"}) {
    INFO(text);
    CHECK_FALSE(invalid_utf8_at(text));
    CHECK(utf8_problem(text).empty());
  }
}

TEST_CASE("ill-formed UTF-8 is found at its first bad byte", "[utf8]") {
  struct Case {
    std::string text;
    size_t at;
  };
  const std::vector<Case> cases = {
      {"abc\xff", 3},           // never in UTF-8
      {"a\x80", 1},             // a continuation byte with no lead
      {"\xc0\x80", 0},          // an overlong NUL
      {"\xe0\x80\x80", 1},      // an overlong 3-byte form
      {"\xed\xa0\x80", 1},      // a surrogate (U+D800)
      {"\xf4\x90\x80\x80", 1},  // above U+10FFFF
      {"\xf5\x80\x80\x80", 0},  // a lead byte beyond U+10FFFF
      {"\xc3(", 1},             // a lead byte followed by ASCII
      {"ab\xe2\x89", 4},        // cut short at the end
  };
  for (const Case& c : cases) {
    INFO(c.text);
    REQUIRE(invalid_utf8_at(c.text));
    CHECK(*invalid_utf8_at(c.text) == c.at);
  }
  CHECK(utf8_problem("abc\xff") == "byte 0xFF at offset 3 is not UTF-8");
  CHECK(utf8_problem("ab\xe2\x89") == "ends inside a UTF-8 character (offset 4)");
}
