// `render`'s work behind a header without libtorch (its main compiles without it): a photo through
// a run's best checkpoint, written at the photo's size.
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/run_config.h"

namespace bokeh::reports {

struct PhotoSize {
  int64_t width = 0, height = 0;
};

// Loads the best weights under `checkpoint_dir` into the model `model` names (arch and shape), renders `input`
// (render_image, tiles of `tile` pixels; 0: whole) and writes `output` (.png or .jpg). Returns the
// photo's size. Throws naming the file that cannot be read or written.
PhotoSize render_photo(const std::filesystem::path& checkpoint_dir, const common::ModelConfig& model,
                       const std::filesystem::path& input, const std::filesystem::path& output, int64_t tile);

}  // namespace bokeh::reports
