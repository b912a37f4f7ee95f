// The protocol-buffer wire format, for writing the few messages the exports need (TensorBoard's events
// and HParams summaries) without generated code: varints, and fields of the wire types varint (0),
// 64-bit (1), length-delimited (2) and 32-bit (5), little-endian. A message is its fields' bytes in the
// order written; a nested message is a length-delimited field holding another message's bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bokeh::reports {

// `value` as a base-128 varint (7 bits a byte, least significant first, high bit: more follow).
void append_varint(std::string& out, uint64_t value);
// `value` in 8 or 4 bytes, little-endian (protobuf's fixed64/double and fixed32/float; TFRecord's framing).
void append_fixed64(std::string& out, uint64_t value);
void append_fixed32(std::string& out, uint32_t value);

class ProtoMessage {
 public:
  // Wire type 0: int32/int64/uint64/bool/enum (a negative int64 takes ten bytes, as protobuf writes it).
  ProtoMessage& varint(int field, uint64_t value);
  ProtoMessage& int64(int field, int64_t value) { return varint(field, static_cast<uint64_t>(value)); }
  ProtoMessage& boolean(int field, bool value) { return varint(field, value ? 1 : 0); }
  ProtoMessage& float64(int field, double value);          // wire type 1: double
  ProtoMessage& float32(int field, float value);           // wire type 5: float
  ProtoMessage& bytes(int field, std::string_view value);  // wire type 2: string, bytes
  ProtoMessage& message(int field, const ProtoMessage& nested) { return bytes(field, nested.bytes_); }

  const std::string& bytes() const { return bytes_; }

 private:
  void key(int field, int wire_type);
  std::string bytes_;
};

}  // namespace bokeh::reports
