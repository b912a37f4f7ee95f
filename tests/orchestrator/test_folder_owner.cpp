// Ownership of a sweep's folder (checkpoints, prepared data): a second database in the same folder
// with a sweep of the same name is refused before anything is written; the files of an instance that
// --fresh discarded, or of a database since removed, are set aside (moved, with a line and an event);
// a resume of the same instance keeps them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "orchestrator/plan/run_plan.h"
#include "store/folder_owner.h"
#include "store/results_layout.h"
#include "orchestrator/sweep/sweep_book.h"
#include "sweep_test_spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;
using bokeh::test::TempDir;
namespace fs = std::filesystem;

namespace {

// One start of `spec` on the database `db` in `root`, as SweepSession orders it: claim, prepare, open.
void start(Store& store, const Spec& spec, const fs::path& root, bool fresh) {
  Progress progress{true, stdout};
  SweepBook book{store, spec, root, progress};
  book.claim_folder(fresh);
  book.prepare_data([](const DataConfig&, const fs::path& folder) {
    fs::create_directories(folder);
    std::ofstream(folder / "pairs.bin") << "pairs";
    return PreparedDataFile{(folder / "pairs.bin").string(), "pairs"};
  });
  book.open(plan_runs(spec), SweepOptions{fresh, false});
  book.leave();
}

// A checkpoint of the run `key` as a worker would leave it.
fs::path leave_checkpoint(const fs::path& root, const std::string& key, const std::string& bytes) {
  const fs::path dir = run_checkpoint_dir(root, "book", key);
  fs::create_directories(dir);
  std::ofstream(dir / "last.pt") << bytes;
  return dir / "last.pt";
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool has_event(const Store& store, const std::string& kind) {
  for (const EventRecord& e : store.events("book"))
    if (e.kind == kind) return true;
  return false;
}

}  // namespace

TEST_CASE("a second database in the same folder with a same-named sweep is refused up front", "[folder_owner]") {
  TempDir dir;
  const Spec spec = parse_spec(bokeh::test::kBookSpec, "book.yaml");
  Store a(dir.file("a.db"));
  start(a, spec, dir.path(), false);
  const std::string key = a.runs("book").front().key;
  const fs::path last = leave_checkpoint(dir.path(), key, "a's weights");

  Spec other = parse_spec(bokeh::test::kBookSpec, "book.yaml");
  other.seed = 99;
  Store b(dir.file("b.db"));
  Progress progress{true, stdout};
  SweepBook book{b, other, dir.path(), progress};
  CHECK_THROWS_AS(book.claim_folder(false), FolderOwnedError);
  CHECK_THROWS_WITH(book.claim_folder(false), Catch::Contains(dir.file("a.db")) && Catch::Contains("\"book\"") &&
                                                  Catch::Contains("folder of its own"));
  CHECK_FALSE(b.sweep("book").has_value());  // refused before registering
  CHECK(read(last) == "a's weights");        // a's files untouched
  start(a, spec, dir.path(), false);         // a itself goes on with them
  CHECK(read(last) == "a's weights");

  SECTION("once a.db is removed, b takes the folder over and sets a's files aside") {
    fs::remove(dir.file("a.db"));
    start(b, other, dir.path(), false);
    CHECK_FALSE(fs::exists(last));
    const auto owner = read_folder_owner(sweep_folder(dir.path(), "book"));
    REQUIRE(owner);
    CHECK(owner->instance == b.sweep("book")->instance);
    CHECK(has_event(b, "set-aside"));
  }
}

TEST_CASE("a fresh start (--fresh) sets aside the discarded instance's checkpoints and prepared data",
          "[folder_owner]") {
  TempDir dir;
  const Spec spec = parse_spec(bokeh::test::kBookSpec, "book.yaml");
  Store store(dir.file("sweeps.db"));
  start(store, spec, dir.path(), false);
  const std::string first = store.sweep("book")->instance;
  CHECK(first.size() == 32);
  const std::string key = store.runs("book").front().key;
  const fs::path last = leave_checkpoint(dir.path(), key, "old weights");

  SECTION("the same instance resumes: nothing is moved") {
    start(store, spec, dir.path(), false);
    CHECK(read(last) == "old weights");
    CHECK(store.sweep("book")->instance == first);
    CHECK_FALSE(has_event(store, "set-aside"));
  }
  SECTION("a changed spec under --fresh is a new instance; the old files are moved, not deleted") {
    Spec changed = parse_spec(bokeh::test::kBookSpec, "book.yaml");
    changed.seed = 99;
    start(store, changed, dir.path(), true);
    const std::string second = store.sweep("book")->instance;
    CHECK(second != first);
    CHECK_FALSE(fs::exists(last));
    const fs::path aside = sweep_folder(dir.path(), "book") / kSetAsideFolder / first;
    CHECK(read(aside / "checkpoints" / key / "last.pt") == "old weights");
    CHECK(fs::exists(aside / "data" / "pairs.bin"));
    CHECK(fs::exists(sweep_data_dir(dir.path(), "book") / "pairs.bin"));  // prepared anew
    CHECK(read_folder_owner(sweep_folder(dir.path(), "book"))->instance == second);
    CHECK(has_event(store, "set-aside"));
  }
  SECTION(
      "checkpoints without an owner (written before owners existed, or by hand) are set aside; the data stays "
      "(a concurrent start may be preparing it)") {
    fs::remove(sweep_folder(dir.path(), "book") / kFolderOwnerFile);
    start(store, spec, dir.path(), false);
    CHECK_FALSE(fs::exists(last));
    CHECK(read(sweep_folder(dir.path(), "book") / kSetAsideFolder / "unowned" / "checkpoints" / key / "last.pt") ==
          "old weights");
    CHECK_FALSE(fs::exists(sweep_folder(dir.path(), "book") / kSetAsideFolder / "unowned" / "data"));
  }
}

TEST_CASE("the owner file names the database relative to the folder, so a moved results folder keeps it",
          "[folder_owner]") {
  TempDir dir;
  const fs::path folder = dir.path() / "results" / "book";
  write_folder_owner(folder, "abc", dir.path() / "results" / "sweeps.db");
  CHECK(read(folder / kFolderOwnerFile).find("database ../sweeps.db") != std::string::npos);
  fs::rename(dir.path() / "results", dir.path() / "moved");
  const auto owner = read_folder_owner(dir.path() / "moved" / "book");
  REQUIRE(owner);
  CHECK(owner->instance == "abc");
  CHECK(owner->database == (dir.path() / "moved" / "sweeps.db").lexically_normal());
}
