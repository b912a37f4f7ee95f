// The exports' encodings against bytes computed by hand: CRC-32C (the standard check value and RFC
// 3720's vectors) and its mask, varints, protobuf fields (the protobuf documentation's examples),
// TFRecord framing, and whole TensorBoard events.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "reports/export/crc32c.h"
#include "reports/export/protobuf_writer.h"
#include "reports/export/tensorboard_events.h"
#include "reports/export/tfrecord.h"

using namespace bokeh::reports;

namespace {

std::string bytes_of(std::initializer_list<int> values) {
  std::string out;
  for (const int v : values) out.push_back(static_cast<char>(v));
  return out;
}

std::string varint_of(uint64_t value) {
  std::string out;
  append_varint(out, value);
  return out;
}

}  // namespace

TEST_CASE("CRC-32C gives the standard check value and RFC 3720's vectors, and masks as TFRecords do", "[export]") {
  CHECK(crc32c("123456789") == 0xE3069283u);
  CHECK(crc32c("") == 0u);
  CHECK(crc32c(std::string(32, '\0')) == 0x8A9136AAu);
  CHECK(crc32c(std::string(32, '\xFF')) == 0x62A8AB43u);
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  CHECK(crc32c(ascending) == 0x46DD794Eu);
  CHECK(crc32c(descending) == 0x113FDB5Cu);
  // ((0xE3069283 >> 15) | (0xE3069283 << 17)) + 0xA282EAD8, modulo 2^32.
  CHECK(masked_crc32c("123456789") == 0xC78AB0E5u);
  CHECK(masked_crc32c("") == 0xA282EAD8u);
}

TEST_CASE("varints take 7 bits a byte, least significant first", "[export]") {
  CHECK(varint_of(0) == bytes_of({0x00}));
  CHECK(varint_of(1) == bytes_of({0x01}));
  CHECK(varint_of(127) == bytes_of({0x7F}));
  CHECK(varint_of(128) == bytes_of({0x80, 0x01}));
  CHECK(varint_of(300) == bytes_of({0xAC, 0x02}));
  CHECK(varint_of(UINT64_MAX) == bytes_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
}

TEST_CASE("protobuf fields are written as the wire format says", "[export]") {
  // The protobuf documentation's examples: field 1 = 150; field 2 = "testing"; field 3 = that first message.
  ProtoMessage a;
  a.varint(1, 150);
  CHECK(a.bytes() == bytes_of({0x08, 0x96, 0x01}));
  ProtoMessage b;
  b.bytes(2, "testing");
  CHECK(b.bytes() == bytes_of({0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'}));
  ProtoMessage c;
  c.message(3, a);
  CHECK(c.bytes() == bytes_of({0x1A, 0x03, 0x08, 0x96, 0x01}));
  // A negative int64 is ten bytes; a double and a float little-endian after keys of wire types 1 and 5.
  ProtoMessage d;
  d.int64(2, -1);
  CHECK(d.bytes() == bytes_of({0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
  ProtoMessage e;
  e.float64(1, 1.5).float32(2, 0.5f).boolean(20, true);
  CHECK(e.bytes() == bytes_of({0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x15, 0, 0, 0, 0x3F, 0xA0, 0x01, 0x01}));
}

TEST_CASE("a TFRecord is the length, its masked CRC, the data and the data's masked CRC", "[export]") {
  const std::string record = tfrecord("123456789");
  REQUIRE(record.size() == 8 + 4 + 9 + 4);
  CHECK(record.substr(0, 8) == bytes_of({9, 0, 0, 0, 0, 0, 0, 0}));
  // The length's CRC (over 09 00 .. 00) is checked where TensorBoard reads the files back.
  CHECK(record.substr(12, 9) == "123456789");
  CHECK(record.substr(21) == bytes_of({0xE5, 0xB0, 0x8A, 0xC7}));  // 0xC78AB0E5, little-endian
  CHECK(tfrecord("").substr(12) == bytes_of({0xD8, 0xEA, 0x82, 0xA2}));
}

TEST_CASE("TensorBoard's events: the file version and a scalar, byte for byte", "[export]") {
  // Event{wall_time (1, double) = 1.0, file_version (3) = "brain.Event:2"}.
  std::string version = bytes_of({0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x1A, 13});
  version += "brain.Event:2";
  CHECK(file_version_event(1.0) == version);
  // Event{wall_time = 1.0, step (2) = 2, summary (5) = Summary{value (1) = Value{tag (1) = "a",
  // simple_value (2, float) = 0.5}}}.
  CHECK(scalar_event(1.0, 2, "a", 0.5) == bytes_of({0x09, 0,    0, 0,    0, 0,   0,    0xF0, 0x3F, 0x10, 0x02, 0x2A,
                                                    10,   0x0A, 8, 0x0A, 1, 'a', 0x15, 0,    0,    0,    0x3F}));
  // A session's end: Event{wall_time = 1.0, summary = {value = {tag = "_hparams_/session_end_info",
  // metadata (9) = {plugin_data (1) = {plugin_name (1) = "hparams", content (2) = HParamsPluginData{
  // version (1) = 0, session_end_info (4) = {status (1) = 2, end_time_secs (2) = 1.0}}}}, tensor (8) =
  // {dtype (1) = DT_FLOAT, tensor_shape (2) = {dim (2) = {}}}}}}.
  const std::string tag = "_hparams_/session_end_info";
  const std::string end_info = bytes_of({0x08, 0x02, 0x11, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F});      // 11 bytes
  const std::string content = bytes_of({0x08, 0x00, 0x22, 11}) + end_info;                      // 15 bytes
  const std::string plugin = bytes_of({0x0A, 7}) + "hparams" + bytes_of({0x12, 15}) + content;  // 26 bytes
  const std::string metadata = bytes_of({0x0A, 26}) + plugin;                                   // 28 bytes
  const std::string tensor = bytes_of({0x08, 0x01, 0x12, 0x02, 0x12, 0x00});                    // 6 bytes
  const std::string value = bytes_of({0x0A, 26}) + tag + bytes_of({0x4A, 28}) + metadata + bytes_of({0x42, 6}) + tensor;
  REQUIRE(value.size() == 2 + 26 + 2 + 28 + 2 + 6);
  const std::string summary = bytes_of({0x0A, static_cast<int>(value.size())}) + value;
  const std::string event =
      bytes_of({0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x2A, static_cast<int>(summary.size())}) + summary;
  CHECK(session_end_event(1.0, SessionStatus::Failure) == event);
}
