// Image files matched by file stem across two folders: the EBB! reader's original/ and bokeh/, and
// `metrics`' predictions and targets. Torch-free.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bokeh::training {

// .jpg, .jpeg or .png, in any case.
bool is_image_file_name(const std::filesystem::path& path);

// stem -> file, for the image files directly inside `folder` (other files are ignored). Throws
// std::runtime_error when the folder is missing or two files share a stem (naming both).
std::map<std::string, std::filesystem::path> images_by_stem(const std::filesystem::path& folder);

struct StemMatch {
  std::string stem;
  std::filesystem::path left, right;
};

// Every image of `left` with the image of the same stem in `right`, in stem order. A stem on one side
// only throws "FILE: no LABEL image with stem 'S' in FOLDER", LABEL being the other side's label
// ("bokeh", "original"; "" for none).
std::vector<StemMatch> match_by_stem(const std::filesystem::path& left, const std::filesystem::path& right,
                                     const std::string& left_label = "", const std::string& right_label = "");

}  // namespace bokeh::training
