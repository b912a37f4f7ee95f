// The dashboard's snapshot and page: the status, curves and varied settings of the fixture sweep as
// written by hand, the tables cell for cell as `report --table` prints them in markdown, and a page that
// inlines everything, links nothing and carries its data back intact (also through "</script>").
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

#include "reports/dashboard/dashboard_data.h"
#include "reports/dashboard/dashboard_page.h"
#include "reports/sweep_fixture.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_builder.h"
#include "reports/tables/table_format.h"
#include "support/process_runner.h"

using namespace bokeh;
using nlohmann::json;

namespace {

constexpr double kNow = 2e9;

const json& run_named(const json& sweep, const std::string& name) {
  for (const json& run : sweep.at("runs")) {
    if (run.at("name") == name) return run;
  }
  throw std::runtime_error("no run " + name + " in the snapshot");
}

// The cells of a markdown table's body rows, as `report --table` prints them.
std::vector<std::vector<std::string>> markdown_cells(const std::string& markdown) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(markdown);
  std::string line;
  int table_lines = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("| ", 0) != 0 && line.rfind("|-", 0) != 0) continue;
    if (++table_lines <= 2) continue;  // the header and the alignment line
    std::vector<std::string> cells;
    for (size_t at = 2; at < line.size();) {
      const size_t end = line.find(" |", at);
      cells.push_back(line.substr(at, end - at));
      at = end + 3;
    }
    rows.push_back(cells);
  }
  return rows;
}

// How far a number may be from the text it is shown as: half its last digit (a tenth of the value for
// the study's "2e-4" notation).
double rounding(const std::string& shown) {
  if (shown.find('e') != std::string::npos) return 0.1 * std::abs(std::stod(shown));
  const size_t point = shown.find('.');
  const int decimals = point == std::string::npos ? 0 : static_cast<int>(shown.size() - point - 1);
  return 0.5 * std::pow(10.0, -decimals) + 1e-12;
}

// The text of <script id="ID" type="application/json">...</script>.
std::string script_text(const std::string& page, const std::string& id) {
  const std::string open = fmt::format("<script id=\"{}\" type=\"application/json\">", id);
  const size_t start = page.find(open);
  if (start == std::string::npos) throw std::runtime_error("no script " + id);
  const size_t from = start + open.size();
  return page.substr(from, page.find("</script>", from) - from);
}

}  // namespace

TEST_CASE("The snapshot's status says stale, not an ETA, once no sweep process beats", "[dashboard]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const double beat = store.coordinators("tiny").at(0).heartbeat;
  const json silent = reports::dashboard_snapshot(store, "tiny", beat + 600)["sweeps"][0]["status"];
  CHECK(silent["stale"] == "stale: coordinator last seen 10m 00s ago, rerun the same command to resume.");
  const json alive = reports::dashboard_snapshot(store, "tiny", beat + 1)["sweeps"][0]["status"];
  CHECK(alive["stale"].is_null());
  CHECK_FALSE(alive["eta"].get<std::string>().empty());
}

TEST_CASE("The snapshot has the fixture's status, progress, failures, curves and varied settings", "[dashboard]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const json snapshot = reports::dashboard_snapshot(store, "", kNow);
  REQUIRE(snapshot.at("sweeps").size() == 1);
  const json& sweep = snapshot["sweeps"][0];
  CHECK(sweep["name"] == "tiny");
  CHECK(sweep["spec_yaml"] == test::kTinySpec);
  CHECK(sweep["status"]["counts"] == json{{"pending", 1}, {"running", 1}, {"done", 2}, {"failed", 1}, {"stopped", 0}});
  CHECK(sweep["status"]["total"] == 5);
  CHECK(sweep["status"]["open"] == true);

  const json& vbase = run_named(sweep, "VBase_1");
  CHECK(vbase["state"] == "done");
  CHECK(vbase["epochs_done"] == 3);
  CHECK(vbase["epochs_planned"] == 3);
  CHECK(vbase["best_val_loss"] == Approx(0.5801));
  CHECK(vbase["test_psnr"] == Approx(23.0949));
  CHECK(vbase["curve"]["epoch"] == json{1, 2, 3});
  CHECK(vbase["curve"]["train"] == json{0.9, 0.7, 0.6612});
  CHECK(vbase["curve"]["val"] == json{0.7, 0.5801, 0.5893});
  CHECK(vbase["curve"]["lr_drops"] == json{2});  // 2e-4 -> 1.6e-4 at epoch 2
  // Every per-epoch figure by name; the fixture's epochs predate the validation metrics: null.
  CHECK(vbase["curve"]["figures"]["val_loss"] == vbase["curve"]["val"]);
  CHECK(vbase["curve"]["figures"]["val_psnr"] == json{nullptr, nullptr, nullptr});
  CHECK(vbase["curve"]["figures"].size() == 12);  // with val_fg_psnr ... val_bg_blur
  CHECK(vbase["curve"]["figures"]["val_fg_psnr"] == json{nullptr, nullptr, nullptr});
  CHECK(vbase["settings"]["model.width"] == 8);

  const json& running = run_named(sweep, f.lr1);
  CHECK(running["state"] == "running");
  CHECK(running["epochs_done"] == 1);
  CHECK(running["best_val_loss"].is_null());
  CHECK(run_named(sweep, "nobn")["error"] == test::kNanError);
  CHECK(run_named(sweep, f.lr5)["error"] == "out of memory");

  // Width (8 vs 4), lr (three values) and batch norm (nobn) vary; depth (2 everywhere) does not.
  const std::vector<std::string> varied = sweep["varied"];
  CHECK(std::find(varied.begin(), varied.end(), "model.width") != varied.end());
  CHECK(std::find(varied.begin(), varied.end(), "train.lr") != varied.end());
  CHECK(std::find(varied.begin(), varied.end(), "model.batch_norm") != varied.end());
  CHECK(std::find(varied.begin(), varied.end(), "model.depth") == varied.end());

  CHECK_THROWS_WITH(reports::dashboard_snapshot(store, "nope", kNow), Catch::Contains("no sweep named \"nope\""));
}

TEST_CASE("The page's tables are report --table's, cell for cell", "[dashboard]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const orchestrator::SweepInfo info = *store.sweep("tiny");
  const json sweep = reports::sweep_snapshot(store, info, kNow);
  REQUIRE(sweep["tables"].size() == 4);
  for (const json& entry : sweep["tables"]) {
    const int64_t n = entry["number"];
    INFO("table " << n);
    REQUIRE_FALSE(entry.contains("error"));
    const reports::Table table = reports::build_table(n, info, reports::summarize_sweep(store, "tiny"));
    const std::vector<std::vector<std::string>> expected = markdown_cells(reports::format_markdown(table));
    const json& rows = entry["table"]["rows"];
    REQUIRE(rows.size() == expected.size());
    CHECK(entry["table"]["title"] == table.title);
    CHECK(entry["table"]["notes"] == table.notes);
    for (size_t r = 0; r < expected.size(); ++r) {
      REQUIRE(rows[r].size() == expected[r].size());
      for (size_t c = 0; c < expected[r].size(); ++c) {
        CHECK(rows[r][c]["text"] == expected[r][c]);
        // A number sorts by its value (what it shows, up to rounding), text by itself, a gap last.
        const json& value = rows[r][c]["value"];
        if (expected[r][c] == "–")
          CHECK(value.is_null());
        else if (value.is_number())
          CHECK(std::abs(std::stod(expected[r][c]) - value.get<double>()) <= rounding(expected[r][c]));
        else
          CHECK(value == expected[r][c]);
      }
    }
  }
  // Table 1 holds every run.
  CHECK(sweep["tables"][0]["table"]["rows"].size() == 5);
}

TEST_CASE("The page inlines its libraries and data, links nothing, and survives </script> in the data", "[dashboard]") {
  const test::SweepFixture f;
  {
    orchestrator::Store writer(f.db_path);
    writer.fail_run(f.runs.at(f.lr5).id, "bad </script><script>alert(1)</script> <!-- input", 5);
  }
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const json snapshot = reports::dashboard_snapshot(store, "tiny", kNow);
  const reports::ChartLibraries libraries = reports::read_chart_libraries();
  const std::string page = reports::dashboard_page(snapshot, store, libraries, reports::PageOptions{});

  CHECK(page.find(libraries.chart_js) != std::string::npos);
  CHECK(page.find(libraries.d3) != std::string::npos);
  CHECK_THAT(libraries.chart_js, Catch::Contains("Chart.js v3"));
  CHECK(page.find("alert(1)</script>") == std::string::npos);
  CHECK(json::parse(script_text(page, "bokeh-data")) == snapshot);
  CHECK(run_named(json::parse(script_text(page, "bokeh-data"))["sweeps"][0], f.lr5)["error"] ==
        "bad </script><script>alert(1)</script> <!-- input");
  const json samples = json::parse(script_text(page, "bokeh-samples"));
  CHECK_THAT(samples["tiny"]["error"].get<std::string>(), Catch::Contains("without libtorch"));
  // Nothing is fetched from elsewhere: no external scripts, styles, frames or images.
  CHECK_FALSE(std::regex_search(page, std::regex(R"((src|href)\s*=\s*["']?(https?:)?//)", std::regex::icase)));
  CHECK_FALSE(std::regex_search(page, std::regex(R"(<link|@import|url\(\s*["']?https?:)", std::regex::icase)));
  CHECK(page.find("{{") == std::string::npos);  // every placeholder filled
}

TEST_CASE("report --html writes the page and names it, bad input is one line", "[dashboard][cli]") {
  const test::SweepFixture f;
  const std::filesystem::path file = f.dir.path() / "pages" / "tiny.html";
  const test::ToolResult r =
      test::run_tool(f.dir, "report", fmt::format("--html '{}' --db '{}'", file.string(), f.db_path));
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == file.string() + "\n");
  const std::string page = test::read_text(file);
  CHECK(json::parse(script_text(page, "bokeh-data"))["sweeps"][0]["name"] == "tiny");

  const test::ToolResult unknown =
      test::run_tool(f.dir, "report", fmt::format("--html '{}' --db '{}' --sweep nope", file.string(), f.db_path));
  CHECK(unknown.status != 0);
  CHECK(std::count(unknown.err.begin(), unknown.err.end(), '\n') == 1);
  CHECK_THAT(unknown.err, Catch::StartsWith("report: ") && Catch::Contains("no sweep named \"nope\""));
  const test::ToolResult both =
      test::run_tool(f.dir, "report", fmt::format("--html x.html --serve --db '{}'", f.db_path));
  CHECK(both.status != 0);
  CHECK_THAT(both.err, Catch::Contains("excludes"));
}
