// Atomic file writes with every system call checked (see atomic_file.h).
#include "common/atomic_file.h"

#include "common/local_process.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

namespace bokeh::common {

namespace fs = std::filesystem;

namespace {
// Flushes a folder's entries (a rename) to the disk; best effort, some filesystems refuse it.
void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

constexpr std::string_view kTemporaryMark = ".tmp-";

// The host and pid in a temporary's name, or nullopt for any other name.
std::optional<std::pair<std::string, int64_t>> temporary_owner(const std::string& name) {
  const size_t mark = name.rfind(kTemporaryMark);
  if (mark == std::string::npos) return std::nullopt;
  std::string rest = name.substr(mark + kTemporaryMark.size());  // host-pid-counter-time; host may hold '-'
  std::string pid;
  for (int field = 0; field < 3; ++field) {  // time, counter, then pid, from the right
    const size_t dash = rest.rfind('-');
    if (dash == std::string::npos) return std::nullopt;
    pid = rest.substr(dash + 1);
    rest.resize(dash);
  }
  if (rest.empty() || pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::make_pair(rest, std::stoll(pid));
}

int64_t bytes_under(const fs::path& path) {
  std::error_code error;
  if (!fs::is_directory(path, error)) {
    const auto size = fs::file_size(path, error);
    return error ? 0 : static_cast<int64_t>(size);
  }
  int64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(path, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    if (it->is_regular_file(error)) total += static_cast<int64_t>(it->file_size(error));
  }
  return total;
}
}  // namespace

fs::path temporary_path(const fs::path& path) {
  static const std::string host = this_host();
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return path.string() + std::string(kTemporaryMark) + host + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + "-" + std::to_string(now);
}

int64_t remove_abandoned_temporaries(const fs::path& folder) {
  const std::string host = this_host();
  int64_t freed = 0;
  std::error_code error;
  for (auto it = fs::directory_iterator(folder, error); !error && it != fs::directory_iterator(); it.increment(error)) {
    const auto owner = temporary_owner(it->path().filename().string());
    if (!owner || owner->first != host || process_exists(owner->second)) continue;
    const int64_t bytes = bytes_under(it->path());
    std::error_code removed;
    fs::remove_all(it->path(), removed);
    if (!removed) freed += bytes;
  }
  return freed;
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

OutputTarget output_target(const fs::path& requested) {
  if (requested == "-") return {OutputTarget::Kind::direct, "-"};
  fs::path file = requested;
  for (int hops = 0;; ++hops) {  // follow links by hand: the rename must land beside the final file
    struct stat link_status {};
    if (::lstat(file.c_str(), &link_status) != 0) {
      if (errno == ENOENT) return {OutputTarget::Kind::atomic, file};  // a new file (or a dangling link's target)
      throw write_error(requested, errno);
    }
    if (!S_ISLNK(link_status.st_mode)) break;
    struct stat target_status {};
    if (::stat(file.c_str(), &target_status) == 0 && !S_ISREG(target_status.st_mode) && !S_ISDIR(target_status.st_mode))
      break;  // a link to a pipe, terminal or device (/dev/stdout -> /proc/self/fd/1 -> pipe:[..]): write through it
    if (hops >= 40) throw write_error(requested, ELOOP);
    std::error_code error;
    const fs::path target = fs::read_symlink(file, error);
    if (error) throw write_error(requested, error.value());
    if (target.string().rfind("/proc/", 0) == 0) return {OutputTarget::Kind::direct, file};  // /dev/stdout & co
    file = target.is_absolute() ? target : file.parent_path() / target;
  }
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) throw write_error(requested, errno);
  if (S_ISREG(status.st_mode)) return {OutputTarget::Kind::atomic, file};
  if (S_ISDIR(status.st_mode)) throw FileWriteError("cannot write " + requested.string() + ": it is a directory");
  if (S_ISFIFO(status.st_mode) || S_ISCHR(status.st_mode)) return {OutputTarget::Kind::direct, file};
  throw FileWriteError("cannot write " + requested.string() + ": not a regular file, pipe or character device " +
                       "(refusing to replace it)");
}

namespace {
// Writes all of `bytes` to `fd`; 0 or the errno of the failed write.
int write_all(int fd, std::string_view bytes) {
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno != EINTR) return errno;
    if (n > 0) done += static_cast<size_t>(n);
  }
  return 0;
}

// A pipe, terminal or device (or "-", standard output): opened as it is, never created or replaced, and written.
void write_directly(const fs::path& shown, const fs::path& file, std::string_view bytes) {
  if (file == "-") {
    if (const int error = write_all(STDOUT_FILENO, bytes); error != 0) throw write_error("standard output", error);
    return;
  }
  const int fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) throw write_error(shown, errno);
  int error = write_all(fd, bytes);
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) throw write_error(shown, error);
}
}  // namespace

void refuse_replacing_database(const fs::path& file, const fs::path& shown) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 16> head{};
  in.read(head.data(), head.size());
  const auto got = static_cast<size_t>(in.gcount());
  static constexpr char kSqlite[] = "SQLite format 3";  // 16 bytes with its NUL
  const bool database = got == sizeof kSqlite && std::memcmp(head.data(), kSqlite, sizeof kSqlite) == 0;
  const auto byte = [&](int i) { return static_cast<unsigned char>(head[i]); };
  // A WAL file starts with the magic 0x377f0682 or 0x377f0683 (big-endian).
  const bool wal =
      got >= 4 && byte(0) == 0x37 && byte(1) == 0x7f && byte(2) == 0x06 && (byte(3) == 0x82 || byte(3) == 0x83);
  if (database || wal) {
    throw ProtectedOutput("refusing to write " + shown.string() + ": it is " +
                          (database ? "an SQLite database" : "an SQLite write-ahead log") +
                          " (results would be lost); choose another output path");
  }
}

void write_file_atomically(const fs::path& requested, std::string_view bytes, const fs::path& previous) {
  const OutputTarget target = output_target(requested);
  if (target.kind == OutputTarget::Kind::direct) return write_directly(requested, target.path, bytes);
  const fs::path& file = target.path;
  refuse_replacing_database(file, requested);
  if (!file.parent_path().empty()) {
    std::error_code error;
    fs::create_directories(file.parent_path(), error);
    if (error) throw write_error(file.parent_path(), error.value());
  }
  const fs::path temp = temporary_path(file);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw write_error(file, errno);
  int error = write_all(fd, bytes);
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

}  // namespace bokeh::common
