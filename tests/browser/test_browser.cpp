// The dashboard in a real browser (headless Chromium): `report --html` for the fixture sweep, with a
// trained checkpoint for its best run, opened from the file; the DOM Chromium dumps after the scripts
// ran shows every run in the tables, a painted loss chart, one parallel-coordinates line per finished
// run, the Pareto scatter and the importance's reason to wait, and the sample images; the console stays silent (no
// JavaScript error); a screenshot is kept in the build folder (browser/dashboard.png) for people to look at.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "store/results_layout.h"
#include "reports/figures/prepared_fixture.h"
#include "reports/sweep_fixture.h"
#include "support/process_runner.h"
#include "training/checkpoint.h"
#include "training/unet.h"

using namespace bokeh;

namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// The element that starts at the first `opening` and ends at the next `closing`.
std::string element(const std::string& dom, const std::string& opening, const std::string& closing) {
  const size_t start = dom.find(opening);
  if (start == std::string::npos) return "";
  return dom.substr(start, dom.find(closing, start) - start);
}

struct BrowserRun {
  int status = -1;
  std::string dom, log;
};

// Chromium opens `page` (file://), lets its scripts run for up to 10 s of virtual time, dumps the DOM
// and writes a `width` x `height` screenshot.
BrowserRun open_in_browser(const test::TempDir& scratch, const std::filesystem::path& page,
                           const std::filesystem::path& screenshot, int width, int height) {
  const std::filesystem::path dom = scratch.path() / "dom.html", log = scratch.path() / "chromium.log";
  const std::string command = fmt::format(
      "'{}' --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions --hide-scrollbars "
      "--enable-logging=stderr --v=0 --virtual-time-budget=10000 --window-size={},{} --screenshot='{}' --dump-dom "
      "'file://{}' > '{}' 2> '{}'",
      BOKEH_CHROMIUM, width, height, screenshot.string(), page.string(), dom.string(), log.string());
  const int raw = std::system(command.c_str());
  return BrowserRun{test::exit_status_of(raw), test::read_text(dom), test::read_text(log)};
}

}  // namespace

TEST_CASE("The dashboard opens in headless Chromium with every run, drawn charts, samples and no error", "[browser]") {
  const test::SweepFixture f;
  test::prepare_fixture_data(f);
  const orchestrator::RunRecord& vbase = f.runs.at("VBase_1");
  const std::filesystem::path checkpoints = orchestrator::run_checkpoint_dir(f.root, "tiny", vbase.key);
  std::filesystem::create_directories(checkpoints);
  torch::manual_seed(4);
  training::save_weights(checkpoints / common::kBestWeights, training::UNet(common::ModelConfig{8, 2, true}));

  const std::filesystem::path page = f.dir.path() / "tiny.html";
  const test::ToolResult report =
      test::run_tool(f.dir, "report", fmt::format("--html '{}' --db '{}'", page.string(), f.db_path));
  INFO(report.err);
  REQUIRE(report.status == 0);

  const std::filesystem::path shots = std::filesystem::path(BOKEH_BUILD_DIR) / "browser";
  std::filesystem::create_directories(shots);
  const std::filesystem::path screenshot = shots / "dashboard.png";
  std::filesystem::remove(screenshot);
  const BrowserRun browser = open_in_browser(f.dir, page, screenshot, 1280, 3000);
  INFO("chromium log:\n" << browser.log);
  REQUIRE(browser.status == 0);
  REQUIRE_THAT(browser.dom, Catch::Contains("data-rendered="));

  // No console output at all: the page logs nothing, so any line is an error or a warning.
  CHECK(browser.log.find("CONSOLE") == std::string::npos);

  // Table 1 and the status table hold every run of the sweep, by name.
  const std::string table1 = element(browser.dom, "data-study-table=\"1\"", "</table>");
  const std::string status = element(browser.dom, "data-table=\"status\"", "</table>");
  CHECK(count(table1, "<tr>") == 1 + 5);  // the header row and one per run
  CHECK(count(status, "<tr>") == 1 + 5);
  for (const auto& [name, run] : f.runs) {
    CHECK_THAT(table1, Catch::Contains("<td>" + name + "</td>"));
    CHECK_THAT(status, Catch::Contains("<td>" + name + "</td>"));
  }
  CHECK(count(browser.dom, "data-study-table=") == 4);

  // The loss chart: three runs have epochs, and the canvas holds painted pixels.
  std::smatch canvas;
  std::regex_search(browser.dom, canvas,
                    std::regex(R"re(<canvas id="curve-canvas"[^>]*data-runs="(\d+)"[^>]*data-ink="(\d+)")re"));
  REQUIRE(canvas.size() == 3);
  CHECK(std::stoi(canvas[1]) == 3);
  CHECK(std::stoi(canvas[2]) > 2000);

  // Parallel coordinates: an SVG path through every axis for each of the two finished runs.
  const std::regex line(R"re(<path class="line" data-run="([^"]+)"[^>]* d="M[^"]+")re");
  std::vector<std::string> lines;
  const std::sregex_iterator end;
  for (auto it = std::sregex_iterator(browser.dom.begin(), browser.dom.end(), line); it != end; ++it) {
    lines.push_back((*it)[1]);
  }
  CHECK(lines.size() == 2);
  CHECK(std::find(lines.begin(), lines.end(), "VBase_1") != lines.end());
  CHECK(std::find(lines.begin(), lines.end(), f.lr2) != lines.end());

  // Samples: the fixture's 2 test images x (input, target, VBase_1: the finished run with a checkpoint).
  const std::string samples = element(browser.dom, "<table class=\"samples\"", "</table>");
  CHECK(count(samples, "<img src=\"data:image/png;base64,") == 2 * 3);
  CHECK_THAT(samples, Catch::Contains("<th>VBase_1</th>"));

  // The Pareto scatter: both finished configurations, both on the front (the cheaper one is worse);
  // the importance bars say why there are none yet (2 finished configurations).
  std::smatch pareto;
  std::regex_search(browser.dom, pareto,
                    std::regex(R"re(<canvas id="pareto-canvas"[^>]*data-front="(\d+)"[^>]*data-points="(\d+)")re"));
  REQUIRE(pareto.size() == 3);
  CHECK(std::stoi(pareto[1]) == 2);
  CHECK(std::stoi(pareto[2]) == 2);
  CHECK_THAT(element(browser.dom, "id=\"importance-empty\"", "</p>"),
             Catch::Contains("needs at least 3 finished configurations"));

  CHECK(std::filesystem::exists(screenshot));
  CHECK(test::png_size(screenshot) == std::pair<uint32_t, uint32_t>{1280, 3000});
}
