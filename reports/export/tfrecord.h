// TFRecord framing, the container of TensorBoard's event files: each record is its length (uint64),
// the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data (all little-endian).
#pragma once

#include <string>
#include <string_view>

namespace bokeh::reports {

// `data` framed as one record.
std::string tfrecord(std::string_view data);

}  // namespace bokeh::reports
