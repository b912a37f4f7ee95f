// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TensorFlow's record files check their
// lengths and payloads with it, and its "masked" form those files store (a rotation plus a constant, so
// that a CRC over data holding CRCs stays well distributed).
#pragma once

#include <cstdint>
#include <string_view>

namespace bokeh::reports {

// The CRC-32C of `bytes` ("123456789" -> 0xE3069283).
uint32_t crc32c(std::string_view bytes);

// The masked CRC a TFRecord stores: ((crc >> 15) | (crc << 17)) + 0xA282EAD8.
uint32_t masked_crc32c(std::string_view bytes);

}  // namespace bokeh::reports
