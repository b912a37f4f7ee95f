// Writing files that are never seen half-written: a temporary name in the same folder, every write
// checked, flushed to the disk, then renamed over the destination. A full disk or any other write
// error is one line naming the file and the system's reason ("No space left on device"). What a
// killed writer leaves behind is found by its name and removed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bokeh::common {

// A write that failed; what() names the file and the reason.
class FileWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A write refused because it would replace something that must be kept (a results database, a
// checkpoint); what() names the path and what it holds. Tools exit with kExitBadInput (2) on it.
class ProtectedOutput : public FileWriteError {
 public:
  using FileWriteError::FileWriteError;
};

// Throws ProtectedOutput when `file` is an existing SQLite database or write-ahead log (by its first
// bytes); `shown` is the path the user gave.
void refuse_replacing_database(const std::filesystem::path& file, const std::filesystem::path& shown);

// A name next to `path` that no other process or thread uses: "<path>.tmp-<host>-<pid>-<counter>-<time>".
std::filesystem::path temporary_path(const std::filesystem::path& path);

// Removes (with their contents) the temporaries directly in `folder` that a process of this host
// left when it was killed mid-write: named by temporary_path, with a pid that no longer runs here.
// Another host's temporaries and a live process's are kept. Returns the bytes freed; never throws.
int64_t remove_abandoned_temporaries(const std::filesystem::path& folder);

// "cannot write FILE: REASON" for the errno value `error`, with a hint when the disk is full.
FileWriteError write_error(const std::filesystem::path& file, int error);

// Where a write to `file` goes. A regular file or a new name: atomically (a temporary beside it,
// renamed over it). A symbolic link is followed to its final target, which is written atomically
// beside the target (the link stays a link). A pipe, terminal or character device (also through a
// link, e.g. /dev/stdout), and "-" (standard output): written directly, never replaced. A directory,
// socket or block device: FileWriteError, one line.
struct OutputTarget {
  enum class Kind { atomic, direct } kind;
  std::filesystem::path path;  // the file to rename over (atomic) or to open and write (direct)
};
OutputTarget output_target(const std::filesystem::path& file);

// Writes `bytes` to `file` atomically (temporary, checked writes, fsync, rename; the folder is
// created), at output_target(file): through symbolic links, directly to pipes and devices. With
// `previous`, an existing `file` is first renamed to `previous`, so that the last good version
// survives. An SQLite database or WAL file is never replaced (ProtectedOutput). Throws FileWriteError;
// the temporary is removed and `file` is untouched.
void write_file_atomically(const std::filesystem::path& file, std::string_view bytes,
                           const std::filesystem::path& previous = {});

// Renames the finished temporary `temp` over `file` and flushes the folder's entry; throws FileWriteError.
void commit_file(const std::filesystem::path& temp, const std::filesystem::path& file);

}  // namespace bokeh::common
