// The output guard: protected files compared by identity (device and inode) or, when absent, by their
// canonical path; protected folders by canonical prefix; databases by their header.
#include "common/output_guard.h"

namespace bokeh::common {

namespace fs = std::filesystem;

namespace {

// The canonical form of `path` as far as it exists ("" when even that cannot be had).
fs::path canonical_as_far_as_exists(const fs::path& path) {
  std::error_code error;
  fs::path canonical = fs::weakly_canonical(fs::absolute(path, error), error);
  return error ? fs::path() : canonical;
}

bool inside(const fs::path& path, const fs::path& folder) {
  const fs::path cp = canonical_as_far_as_exists(path), cf = canonical_as_far_as_exists(folder);
  if (cp.empty() || cf.empty()) return false;
  auto p = cp.begin();
  for (auto f = cf.begin(); f != cf.end(); ++f, ++p) {
    if (f->empty()) continue;  // a trailing separator
    if (p == cp.end() || *p != *f) return false;
  }
  return true;
}

ProtectedOutput refusal(const std::string& option, const fs::path& output, const std::string& what) {
  return ProtectedOutput(option + " " + output.string() + " would overwrite " + what +
                         "; nothing was written: choose another output path");
}

void refuse_inside_folders(const fs::path& path, const fs::path& shown, const ProtectedPaths& protect,
                           const std::string& option) {
  for (const ProtectedPaths::Entry& folder : protect.folders) {
    if (inside(path, folder.path) || inside(shown, folder.path))
      throw refusal(option, shown, "a file in " + folder.what + " (" + folder.path.string() + ")");
  }
}

}  // namespace

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code error;
  if (fs::exists(a, error) && fs::exists(b, error)) return fs::equivalent(a, b, error) && !error;
  const fs::path ca = canonical_as_far_as_exists(a), cb = canonical_as_far_as_exists(b);
  return !ca.empty() && ca == cb;
}

void ProtectedPaths::add_database(const fs::path& db) {
  files.push_back({db, "the results database"});
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    files.push_back({db.string() + suffix, std::string("the results database's ") + (suffix + 1) + " file"});
}

void refuse_protected_output(const fs::path& output, const ProtectedPaths& protect, const std::string& option) {
  if (output == "-") return;
  const OutputTarget target = output_target(output);      // through links, as the write will go
  if (target.kind == OutputTarget::Kind::direct) return;  // a pipe or a device: nothing is replaced
  const auto refuse = [&](const std::string& what) { throw refusal(option, output, what); };
  for (const ProtectedPaths::Entry& file : protect.files) {
    if (same_file(target.path, file.path) || same_file(output, file.path)) refuse(file.what + " " + file.path.string());
  }
  refuse_inside_folders(target.path, output, protect, option);
  refuse_replacing_database(target.path, output);
}

void refuse_protected_folder(const fs::path& output_dir, const ProtectedPaths& protect, const std::string& option) {
  refuse_inside_folders(output_dir, output_dir, protect, option);
}

}  // namespace bokeh::common
