// No output of `report` may replace the database it reads: `--html` naming the database (directly,
// by another spelling, through a symbolic or hard link, with the default --db), its WAL or SHM file,
// another SQLite database, a sweep's checkpoint or prepared data is refused with one line and status
// 2, and the database keeps every result.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "store/store.h"
#include "reports/sweep_fixture.h"
#include "support/process_runner.h"

using namespace bokeh;
namespace fs = std::filesystem;

namespace {

// The fixture's runs, read back through the store: the database is intact when this is unchanged.
size_t stored_runs(const test::SweepFixture& f) {
  const orchestrator::Store store(f.db_path, true);
  return store.runs("tiny").size();
}

void check_refused(const test::SweepFixture& f, const std::string& args, const fs::path& working_dir = {}) {
  const size_t before = stored_runs(f);
  const test::ToolResult r = test::run_tool(f.dir, "report", args, working_dir);
  INFO(args);
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(r.err.find("would overwrite") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(stored_runs(f) == before);
}

}  // namespace

TEST_CASE("report --html never replaces the database it reads", "[dashboard][outputs]") {
  test::SweepFixture f;
  REQUIRE(stored_runs(f) == 5);
  const fs::path db = f.db_path;
  SECTION("the same path") { check_refused(f, fmt::format("--db '{}' --html '{}'", f.db_path, f.db_path)); }
  SECTION("another spelling of it") {
    check_refused(f, fmt::format("--db '{}' --html '{}'", f.db_path, (db.parent_path() / "." / "sweeps.db").string()));
  }
  SECTION("a symbolic link to it, given as --db and --html") {
    const fs::path link = f.dir.path() / "link.db";
    fs::create_symlink(db, link);
    check_refused(f, fmt::format("--db '{}' --html '{}'", link.string(), link.string()));
    check_refused(f, fmt::format("--db '{}' --html '{}'", f.db_path, link.string()));
  }
  SECTION("a hard link to it") {
    const fs::path hard = f.dir.path() / "hard.db";
    fs::create_hard_link(db, hard);
    check_refused(f, fmt::format("--db '{}' --html '{}'", f.db_path, hard.string()));
  }
  SECTION("the default --db, from the folder that holds results/") {
    check_refused(f, "--html results/sweeps.db", f.dir.path());
  }
  SECTION("its WAL, SHM and journal files, present or not") {
    for (const char* suffix : {"-wal", "-shm", "-journal"})
      check_refused(f, fmt::format("--db '{}' --html '{}{}'", f.db_path, f.db_path, suffix));
  }
}

TEST_CASE("report --html never replaces another SQLite database or a sweep's kept files", "[dashboard][outputs]") {
  test::SweepFixture f;
  SECTION("another results database, recognised by its contents") {
    const fs::path other = f.dir.path() / "other.html";
    { orchestrator::Store store(other.string()); }
    const std::string header = test::read_text(other).substr(0, 15);
    REQUIRE(header == "SQLite format 3");
    const test::ToolResult r =
        test::run_tool(f.dir, "report", fmt::format("--db '{}' --html '{}'", f.db_path, other.string()));
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find("an SQLite database") != std::string::npos);
    CHECK(test::read_text(other).substr(0, 15) == "SQLite format 3");
  }
  SECTION("a checkpoint, the prepared data, the owner file") {
    const fs::path sweep = f.root / "tiny";
    const fs::path checkpoint = sweep / "checkpoints" / "some-run" / "best.pt";
    fs::create_directories(checkpoint.parent_path());
    std::ofstream(checkpoint) << "weights";
    for (const fs::path& kept :
         {checkpoint, sweep / "data" / "pairs.bin", sweep / "owner", sweep / "set-aside" / "x"}) {
      check_refused(f, fmt::format("--db '{}' --html '{}'", f.db_path, kept.string()));
      check_refused(f, fmt::format("--db '{}' --results '{}' --html '{}'", f.db_path, f.root.string(), kept.string()));
    }
    CHECK(test::read_text(checkpoint) == "weights");
  }
  SECTION("a page beside the database is still written") {
    const test::ToolResult r = test::run_tool(
        f.dir, "report", fmt::format("--db '{}' --html '{}'", f.db_path, (f.root / "sweeps.html").string()));
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(test::read_text(f.root / "sweeps.html").find("<html") != std::string::npos);
    CHECK(stored_runs(f) == 5);
  }
}
