// Stem matching of image files across two folders (see stem_matching.h).
#include "training/data/stem_matching.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace bokeh::training {

namespace fs = std::filesystem;

bool is_image_file_name(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png";
}

std::map<std::string, fs::path> images_by_stem(const fs::path& folder) {
  if (!fs::is_directory(folder)) throw std::runtime_error(folder.string() + ": no such folder");
  std::map<std::string, fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file() || !is_image_file_name(entry.path())) continue;
    const std::string stem = entry.path().stem().string();
    const auto [it, inserted] = files.emplace(stem, entry.path());
    if (!inserted)
      throw std::runtime_error(folder.string() + ": two files with stem '" + stem +
                               "': " + it->second.filename().string() + " and " + entry.path().filename().string());
  }
  return files;
}

std::vector<StemMatch> match_by_stem(const fs::path& left, const fs::path& right, const std::string& left_label,
                                     const std::string& right_label) {
  const auto lefts = images_by_stem(left);
  const auto rights = images_by_stem(right);
  auto missing = [](const fs::path& file, const std::string& label, const std::string& stem, const fs::path& folder) {
    return std::runtime_error(file.string() + ": no " + (label.empty() ? "" : label + " ") + "image with stem '" +
                              stem + "' in " + folder.string());
  };
  std::vector<StemMatch> matches;
  for (const auto& [stem, file] : lefts) {
    const auto match = rights.find(stem);
    if (match == rights.end()) throw missing(file, right_label, stem, right);
    matches.push_back({stem, file, match->second});
  }
  for (const auto& [stem, file] : rights)
    if (lefts.count(stem) == 0) throw missing(file, left_label, stem, left);
  return matches;
}

}  // namespace bokeh::training
