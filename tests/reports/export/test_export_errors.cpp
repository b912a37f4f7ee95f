// `report --export` refuses what it cannot do with one line and status 2, leaving nothing behind: an
// unknown sweep or format, a folder where the journal goes, a path under a file, a non-empty or
// non-folder DIR, the results database itself. An empty folder is a valid DIR.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/process_runner.h"
#include "reports/export/export_fixture.h"

using namespace bokeh;
namespace fs = std::filesystem;

namespace {

// Everything under `folder` but the files run_tool keeps the tool's output in and the database's
// -wal and -shm files (a reader's).
std::vector<std::string> listing(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("report-std", 0) != 0 && name.rfind("sweeps.db-", 0) != 0) names.push_back(entry.path().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Runs report with `args`; expects status 2, one line on stderr containing `says`, nothing on stdout,
// and the fixture's folder exactly as before.
void check_refused(const test::ExportFixture& fixture, const std::string& args, const std::string& says) {
  INFO(args);
  const std::vector<std::string> before = listing(fixture.dir.path());
  const test::ToolResult r = test::run_tool(fixture.dir, "report", args + " --db " + fixture.db_path);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_THAT(r.err, Catch::Contains(says));
  CHECK(listing(fixture.dir.path()) == before);
}

}  // namespace

TEST_CASE("report --export refuses bad input with one line and status 2, writing nothing", "[export]") {
  test::ExportFixture fixture;
  const fs::path dir = fixture.dir.path();
  fs::create_directory(dir / "folder");
  std::ofstream(dir / "afile") << "kept\n";
  fs::create_directory(dir / "full");
  std::ofstream(dir / "full" / "mine.txt") << "kept\n";

  check_refused(fixture, "--export optuna " + (dir / "j").string() + " --sweep nope", "no sweep named \"nope\"");
  check_refused(fixture, "--export tensorboard " + (dir / "tb").string() + " --sweep nope", "no sweep named \"nope\"");
  check_refused(fixture, "--export mlflow " + (dir / "m").string() + " --sweep exported", "unknown format \"mlflow\"");
  check_refused(fixture, "--export optuna " + (dir / "folder").string() + " --sweep exported", "it is a directory");
  check_refused(fixture, "--export optuna " + (dir / "afile" / "j").string() + " --sweep exported", "Not a directory");
  check_refused(fixture, "--export tensorboard " + (dir / "afile").string() + " --sweep exported",
                "exists and is not a folder");
  check_refused(fixture, "--export tensorboard " + (dir / "afile" / "tb").string() + " --sweep exported",
                "Not a directory");
  check_refused(fixture, "--export tensorboard " + (dir / "full").string() + " --sweep exported", "is not empty");
  check_refused(fixture, "--export optuna " + fixture.db_path + " --sweep exported", "results database");
  check_refused(fixture, "--export optuna --sweep exported", "--export");
}

TEST_CASE("report --export tensorboard fills an empty folder, and the journal replaces an older one", "[export]") {
  test::ExportFixture fixture;
  const fs::path dir = fixture.dir.path() / "empty";
  fs::create_directory(dir);
  REQUIRE(test::run_tool(fixture.dir, "report", "--export tensorboard " + dir.string() + " --db " + fixture.db_path)
              .status == 0);  // the latest sweep by default
  CHECK(fs::is_directory(dir / "listed"));
  const fs::path journal = fixture.dir.path() / "j.log";
  std::ofstream(journal) << "old\n";
  REQUIRE(test::run_tool(fixture.dir, "report", "--export optuna " + journal.string() + " --db " + fixture.db_path)
              .status == 0);
  CHECK(test::read_text(journal).rfind("{\"directions\":[1],", 0) == 0);
}
