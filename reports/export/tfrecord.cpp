// One TFRecord: length, its masked CRC, data, the data's masked CRC.
#include "reports/export/tfrecord.h"

#include "reports/export/crc32c.h"
#include "reports/export/protobuf_writer.h"

namespace bokeh::reports {

std::string tfrecord(std::string_view data) {
  std::string record;
  append_fixed64(record, data.size());
  append_fixed32(record, masked_crc32c(record));
  record.append(data);
  append_fixed32(record, masked_crc32c(data));
  return record;
}

}  // namespace bokeh::reports
