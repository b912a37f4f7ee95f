// Atomic file writes with every system call checked (see atomic_file.h).
#include "worker/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

namespace bokeh::worker {

namespace fs = std::filesystem;

namespace {
// Flushes a folder's entries (a rename) to the disk; best effort, some filesystems refuse it.
void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}
}  // namespace

fs::path temporary_path(const fs::path& path) {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(now);
}

FileWriteError write_error(const fs::path& file, int error) {
  std::string message = "cannot write " + file.string() + ": " + std::generic_category().message(error);
  if (error == ENOSPC || error == EDQUOT) message += " (the disk is full: free space, then run the same command again)";
  return FileWriteError(message);
}

void commit_file(const fs::path& temp, const fs::path& file) {
  if (::rename(temp.c_str(), file.c_str()) != 0) throw write_error(file, errno);
  sync_folder(file.parent_path());
}

void write_file_atomically(const fs::path& file, std::string_view bytes, const fs::path& previous) {
  if (!file.parent_path().empty()) {
    std::error_code error;
    fs::create_directories(file.parent_path(), error);
    if (error) throw write_error(file.parent_path(), error.value());
  }
  const fs::path temp = temporary_path(file);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw write_error(file, errno);
  int error = 0;
  for (size_t done = 0; done < bytes.size() && error == 0;) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno != EINTR) error = errno;
    if (n > 0) done += static_cast<size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    throw write_error(file, error);
  }
  if (!previous.empty() && ::rename(file.c_str(), previous.c_str()) != 0 && errno != ENOENT) {
    error = errno;
    ::unlink(temp.c_str());
    throw write_error(previous, error);
  }
  try {
    commit_file(temp, file);
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
}

}  // namespace bokeh::worker
