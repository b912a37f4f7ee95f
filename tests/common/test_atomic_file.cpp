// Atomic writes and what killed writers leave behind: a written file has exactly its bytes and no
// temporary stays beside it; `previous` keeps the last version; abandoned temporaries of this host
// (a pid that no longer runs) are removed with their contents and counted, while a live process's,
// another host's and every other name are kept.
#include "common/atomic_file.h"
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <set>

#include "support/temp_dir.h"

namespace fs = std::filesystem;
using namespace bokeh::common;
using bokeh::test::TempDir;

namespace {

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::set<std::string> names_in(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.insert(entry.path().filename().string());
  return names;
}

// A pid that ran on this host and has ended (a child reaped at once).
pid_t ended_pid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, nullptr, 0);
  return pid;
}

// temporary_path(`path`) as the process `pid` of this host would have named it.
fs::path temporary_of(const fs::path& path, pid_t pid) {
  std::string name = temporary_path(path).string();
  const std::string mine = "-" + std::to_string(::getpid()) + "-";
  name.replace(name.rfind(mine), mine.size(), "-" + std::to_string(pid) + "-");
  return name;
}

}  // namespace

TEST_CASE("an atomic write leaves exactly its bytes, keeps the previous version, and no temporary", "[atomic]") {
  TempDir dir;
  const fs::path file = dir.path() / "sub" / "last.pt";
  write_file_atomically(file, "first");
  write_file_atomically(file, "second", dir.path() / "sub" / "prev.pt");
  CHECK(bytes_of(file) == "second");
  CHECK(bytes_of(dir.path() / "sub" / "prev.pt") == "first");
  CHECK(names_in(dir.path() / "sub") == std::set<std::string>{"last.pt", "prev.pt"});
}

TEST_CASE("only the temporaries of ended processes of this host are removed, with their contents", "[atomic]") {
  TempDir dir;
  const pid_t ended = ended_pid();
  const fs::path dead_file = temporary_of(dir.path() / "prepared-1.bin", ended);
  const fs::path dead_folder = temporary_of(dir.path() / "synthetic-2", ended);
  const fs::path live_file = temporary_path(dir.path() / "prepared-3.bin");  // this process: running
  std::string other_host = temporary_of(dir.path() / "last.pt", ended).filename().string();
  other_host.insert(other_host.find(".tmp-") + 5, "another-node-");
  std::ofstream(dead_file) << std::string(1000, 'x');
  fs::create_directories(dead_folder / "original");
  std::ofstream(dead_folder / "original" / "1.png") << std::string(300, 'y');
  std::ofstream(dead_folder / "original" / "2.png.tmp-half") << std::string(20, 'z');
  std::ofstream(live_file) << "in progress";
  std::ofstream(dir.path() / other_host) << "another node's";
  std::ofstream(dir.path() / "last.pt") << "kept";
  std::ofstream(dir.path() / "notes.tmp-by-hand") << "kept";

  CHECK(remove_abandoned_temporaries(dir.path()) == 1000 + 300 + 20);
  CHECK(names_in(dir.path()) ==
        std::set<std::string>{live_file.filename().string(), other_host, "last.pt", "notes.tmp-by-hand"});
  CHECK(remove_abandoned_temporaries(dir.path()) == 0);
  CHECK(remove_abandoned_temporaries(dir.path() / "missing") == 0);
}

TEST_CASE("an atomic write never replaces an SQLite database or write-ahead log", "[atomic]") {
  const TempDir dir;
  const fs::path db = dir.path() / "results.html", wal = dir.path() / "x-wal", page = dir.path() / "page.html";
  const std::string db_bytes = std::string("SQLite format 3") + '\0' + "rest of the header";
  const std::string wal_bytes = std::string("\x37\x7f\x06\x82", 4) + "frames";
  write_file_atomically(db, db_bytes);  // before the header is there, an ordinary write
  std::ofstream(wal, std::ios::binary) << wal_bytes;
  std::ofstream(page, std::ios::binary) << "SQLite format 3 is a name, not a header";  // no NUL: an ordinary file
  CHECK_THROWS_AS(write_file_atomically(db, "<html>"), ProtectedOutput);
  CHECK_THROWS_WITH(write_file_atomically(db, "<html>"), Catch::Contains("it is an SQLite database"));
  CHECK_THROWS_WITH(write_file_atomically(wal, "<html>"), Catch::Contains("write-ahead log"));
  CHECK(bytes_of(db) == db_bytes);
  CHECK(bytes_of(wal) == wal_bytes);
  write_file_atomically(page, "<html>");
  CHECK(bytes_of(page) == "<html>");
}
