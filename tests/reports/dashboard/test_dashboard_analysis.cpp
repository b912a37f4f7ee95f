// The dashboard's comparison views: the snapshot carries the Pareto front (every configuration, the
// front marked, as report --pareto computes it) and the importance shares with their intervals, or the
// one-line reason they cannot be made yet; its tables show repeats as mean ± std; the page has the
// scatter's and the bars' canvases and the script that draws them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "reports/dashboard/dashboard_data.h"
#include "reports/dashboard/dashboard_page.h"
#include "reports/repeat_fixture.h"
#include "reports/sweep_fixture.h"
#include "reports/tables/sweep_lookup.h"

using namespace bokeh;
using nlohmann::json;

TEST_CASE("The snapshot has the Pareto front and the importance of a sweep with repeats", "[dashboard]") {
  const test::RepeatSweep sweep(test::small_spec("dash", "repeats: 2\ngrid:\n  model.width: [4, 8, 16]\n"),
                                [](const json& config, int64_t repeat) {
                                  const int64_t w = config["model"]["width"];
                                  const double base = w == 4 ? 0.30 : w == 8 ? 0.25 : 0.27;
                                  return std::optional<test::Figures>(test::Figures{base + 0.001 * repeat});
                                });
  const orchestrator::StoreReader store = reports::open_store(sweep.db_path);
  const json s = reports::dashboard_snapshot(store, "dash", 2e9)["sweeps"][0];
  const json& pareto = s["pareto"];
  REQUIRE_FALSE(pareto.contains("error"));
  CHECK(pareto["x_label"] == "Params (M)");
  CHECK(pareto["y_label"] == "Best_Val_Loss");
  REQUIRE(pareto["points"].size() == 3);
  for (const json& p : pareto["points"]) {
    CHECK(p["front"] == (p["name"] != "w16"));  // width 16 costs more than width 8 and is worse
    CHECK(p["n"] == 2);
  }
  const json& importance = s["importance"];
  REQUIRE_FALSE(importance.contains("error"));
  CHECK(importance["exact"] == true);  // one varied setting, every level once: a full grid
  REQUIRE(importance["terms"].size() == 1);
  CHECK(importance["terms"][0]["label"] == "model.width");
  CHECK(importance["terms"][0]["share"].get<double>() == Approx(1));
  CHECK(importance["terms"][0]["low"].is_number());  // repeats: an interval
  // The tables show mean ± std as report --table does.
  CHECK(s["tables"][1]["table"].dump().find("±") != std::string::npos);

  const std::string page = reports::dashboard_page(reports::dashboard_snapshot(store, "dash", 2e9), store,
                                                   reports::ChartLibraries{"/* chart */", "/* d3 */"}, {});
  for (const char* id : {"pareto-canvas", "importance-canvas", "bokehAnalysis.renderPareto", "var bokehAnalysis"})
    CHECK(page.find(id) != std::string::npos);
}

TEST_CASE("The snapshot says why the importance cannot be made yet", "[dashboard]") {
  const test::SweepFixture f;  // two finished runs
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const json s = reports::dashboard_snapshot(store, "tiny", 2e9)["sweeps"][0];
  CHECK(s["pareto"]["points"].size() == 2);
  CHECK(s["importance"]["error"].get<std::string>().find("needs at least 3 finished configurations") !=
        std::string::npos);
}
