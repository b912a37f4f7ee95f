// Outputs that must never replace what a tool reads or what a sweep keeps: a results database
// (recognised by its contents wherever it lies, and by name with its -wal, -shm and -journal files),
// checkpoints, prepared data and a sweep folder's owner file. Every tool checks each output path
// against the paths it protects before it writes anything; write_file_atomically refuses to replace
// an SQLite database or WAL file whoever calls it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/atomic_file.h"

namespace bokeh::common {

// What a tool must not write over: files (compared after symbolic and hard links, so another spelling
// of the same file is caught) and folders (nothing inside them, at any depth).
struct ProtectedPaths {
  struct Entry {
    std::filesystem::path path;
    std::string what;  // "the results database", "the checkpoints of sweep demo", ...
  };
  std::vector<Entry> files;
  std::vector<Entry> folders;

  // `db` and its -wal, -shm and -journal files.
  void add_database(const std::filesystem::path& db);
};

// Whether `a` and `b` name one file: by device and inode when both exist (symbolic and hard links),
// else by their canonical paths as far as they exist.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

// Throws ProtectedOutput when writing `output` (as write_file_atomically would: through links) would
// replace or land inside one of `protect`, or replace an existing SQLite database or WAL file.
// `option` names where the path came from ("--html").
void refuse_protected_output(const std::filesystem::path& output, const ProtectedPaths& protect,
                             const std::string& option);

// Throws ProtectedOutput when files written into the folder `output_dir` would land inside one of
// `protect`'s folders (the folder's own files are then checked as they are written).
void refuse_protected_folder(const std::filesystem::path& output_dir, const ProtectedPaths& protect,
                             const std::string& option);

}  // namespace bokeh::common
