// `report --html` output paths that are not plain files: a symbolic link keeps being a link and its
// target gets the page (written atomically beside the target); a FIFO and a character device are
// written directly, never replaced; "-" is standard output; a directory is refused in one line.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>

#include "reports/sweep_fixture.h"
#include "support/process_runner.h"

using namespace bokeh;
namespace fs = std::filesystem;

TEST_CASE("report --html through a symbolic link writes its target and keeps the link", "[dashboard][outputs]") {
  test::SweepFixture f;
  const fs::path target = f.dir.path() / "pages" / "page.html", link = f.dir.path() / "link.html";
  fs::create_directories(target.parent_path());
  std::ofstream(target) << "old";
  fs::create_symlink(fs::path("pages") / "page.html", link);  // relative, as users make them
  const test::ToolResult r =
      test::run_tool(f.dir, "report", fmt::format("--db '{}' --html '{}'", f.db_path, link.string()));
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(fs::is_symlink(link));
  CHECK(fs::read_symlink(link) == fs::path("pages") / "page.html");
  CHECK(test::read_text(target).find("<html") != std::string::npos);
  for (const auto& entry : fs::directory_iterator(target.parent_path()))  // no temporary left beside it
    CHECK(entry.path().filename() == "page.html");

  SECTION("a dangling link: its target is created") {
    fs::remove(target);
    REQUIRE(test::run_tool(f.dir, "report", fmt::format("--db '{}' --html '{}'", f.db_path, link.string())).status ==
            0);
    CHECK(fs::is_symlink(link));
    CHECK(fs::is_regular_file(target));
  }
}

TEST_CASE("report --html to a FIFO, a device or - writes it directly, a directory is refused", "[dashboard][outputs]") {
  test::SweepFixture f;
  SECTION("a FIFO stays a FIFO and its reader gets the page") {
    const fs::path fifo = f.dir.path() / "page.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto reader = std::async(std::launch::async, [&] { return test::read_text(fifo); });
    const test::ToolResult r =
        test::run_tool(f.dir, "report", fmt::format("--db '{}' --html '{}'", f.db_path, fifo.string()));
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(reader.get().find("<html") != std::string::npos);
    struct stat status {};
    REQUIRE(::lstat(fifo.c_str(), &status) == 0);
    CHECK(S_ISFIFO(status.st_mode));
  }
  SECTION("/dev/null stays the device; a link to it too") {
    const fs::path link = f.dir.path() / "null.html";
    fs::create_symlink("/dev/null", link);
    CHECK(test::run_tool(f.dir, "report", fmt::format("--db '{}' --html /dev/null", f.db_path)).status == 0);
    CHECK(test::run_tool(f.dir, "report", fmt::format("--db '{}' --html '{}'", f.db_path, link.string())).status == 0);
    struct stat status {};
    REQUIRE(::stat("/dev/null", &status) == 0);
    CHECK(S_ISCHR(status.st_mode));
    CHECK(fs::is_symlink(link));
  }
  SECTION("- is standard output") {
    const test::ToolResult r = test::run_tool(f.dir, "report", fmt::format("--db '{}' --html -", f.db_path));
    CHECK(r.status == 0);
    CHECK(r.out.find("<html") != std::string::npos);
    CHECK_FALSE(fs::exists(f.dir.path() / "-"));
  }
  SECTION("a directory is one line, not a replaced folder") {
    const fs::path folder = f.dir.path() / "folder.html";
    fs::create_directories(folder);
    const test::ToolResult r =
        test::run_tool(f.dir, "report", fmt::format("--db '{}' --html '{}'", f.db_path, folder.string()));
    CHECK(r.status != 0);
    CHECK_THAT(r.err, Catch::Contains(folder.string()) && Catch::Contains("directory"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(fs::is_directory(folder));
  }
}
