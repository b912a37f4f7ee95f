// Field keys are (field number << 3) | wire type, as a varint; fixed-width values little-endian.
#include "reports/export/protobuf_writer.h"

#include <cstring>

namespace bokeh::reports {
namespace {

template <typename Word>
void append_little_endian(std::string& out, Word word) {
  for (size_t i = 0; i < sizeof word; ++i) out.push_back(static_cast<char>((word >> (8 * i)) & 0xFFu));
}

// The bits of `value` as an unsigned word of its size (std::bit_cast, which C++17 builds lack).
template <typename Word, typename Value>
Word bits_of(Value value) {
  static_assert(sizeof(Word) == sizeof(Value));
  Word word = 0;
  std::memcpy(&word, &value, sizeof word);
  return word;
}

}  // namespace

void append_fixed64(std::string& out, uint64_t value) { append_little_endian(out, value); }
void append_fixed32(std::string& out, uint32_t value) { append_little_endian(out, value); }

void append_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void ProtoMessage::key(int field, int wire_type) {
  append_varint(bytes_, (static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire_type));
}

ProtoMessage& ProtoMessage::varint(int field, uint64_t value) {
  key(field, 0);
  append_varint(bytes_, value);
  return *this;
}

ProtoMessage& ProtoMessage::float64(int field, double value) {
  key(field, 1);
  append_fixed64(bytes_, bits_of<uint64_t>(value));
  return *this;
}

ProtoMessage& ProtoMessage::float32(int field, float value) {
  key(field, 5);
  append_fixed32(bytes_, bits_of<uint32_t>(value));
  return *this;
}

ProtoMessage& ProtoMessage::bytes(int field, std::string_view value) {
  key(field, 2);
  append_varint(bytes_, value.size());
  bytes_.append(value);
  return *this;
}

}  // namespace bokeh::reports
