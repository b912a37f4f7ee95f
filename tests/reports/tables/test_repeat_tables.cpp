// Tables over repeated runs (`repeats: K`): the mean and sample standard deviation against values
// computed by hand, "0.290 ± 0.002" in markdown and separate mean/std/n fields in CSV and JSON, the
// within-noise mark (Welch's t-test) on groups that are clearly equal and clearly different, "n=2 of 3"
// for unfinished repeats, and the statistics against closed forms of Student's t.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>

#include "reports/repeat_fixture.h"
#include "reports/tables/status_report.h"
#include "reports/statistics/summary_stats.h"
#include "reports/tables/table_builder.h"
#include "reports/tables/table_format.h"

using namespace bokeh;
using namespace bokeh::reports;
using namespace bokeh::common;
using Catch::Matchers::Contains;

namespace {

// Width 8 is best (0.290, 0.292, 0.288); width 4 within noise of it (0.2905, 0.2925, 0.2875); width 16
// clearly worse (0.350, 0.352, 0.348). `pending16`: width 16's third repeat has not finished.
test::RepeatSweep three_widths(bool pending16 = false) {
  const std::string spec = test::small_spec("rep", "repeats: 3\ngrid:\n  model.width: [4, 8, 16]\n");
  return test::RepeatSweep(spec, [=](const nlohmann::json& config, int64_t repeat) -> std::optional<test::Figures> {
    const int64_t width = config["model"]["width"];
    const double offsets[3] = {0.0, 0.002, -0.002};
    if (width == 8) return test::Figures{0.290 + offsets[repeat], 26.0 + static_cast<double>(repeat), 120};
    if (width == 4) return test::Figures{0.2905 + std::vector<double>{0.0, 0.002, -0.003}[repeat], 25, 60};
    if (pending16 && repeat == 2) return std::nullopt;
    return test::Figures{0.350 + offsets[repeat], 24, 240};
  });
}

}  // namespace

TEST_CASE("sample statistics match values computed by hand", "[repeats]") {
  const SampleStats s = sample_stats({0.290, 0.292, 0.288});
  CHECK(s.n == 3);
  CHECK(s.mean == Approx(0.290).epsilon(1e-12));
  CHECK(s.std == Approx(0.002).epsilon(1e-9));  // sqrt((0 + 4e-6 + 4e-6) / 2)
  const SampleStats t = sample_stats({1, 2, 3, 4});
  CHECK(t.mean == 2.5);
  CHECK(t.std == Approx(std::sqrt(5.0 / 3.0)));
  CHECK(sample_stats({7}).std == 0);
}

TEST_CASE("Student's t tail and Welch's test agree with closed forms", "[repeats]") {
  const double pi = std::acos(-1.0);
  for (double t : {0.3, 1.0, 2.5, 12.0}) {
    CHECK(student_t_two_sided(t, 1) == Approx(1 - 2 / pi * std::atan(t)).epsilon(1e-10));  // Cauchy
    CHECK(student_t_two_sided(t, 2) == Approx(1 - t / std::sqrt(2 + t * t)).epsilon(1e-10));
  }
  CHECK(student_t_two_sided(1.959964, 1e6) == Approx(0.05).epsilon(1e-4));  // the normal limit
  // Equal sizes and variances: t = diff / sqrt(2 s^2 / n), df = 2 (n - 1).
  const auto w = welch_test(SampleStats{3, 1.0, 1.0}, SampleStats{3, 3.0, 1.0});
  REQUIRE(w);
  CHECK(w->t == Approx(-2 / std::sqrt(2.0 / 3.0)));
  CHECK(w->df == Approx(4));
  CHECK(!welch_test(SampleStats{1, 1.0, 0}, SampleStats{3, 1.0, 1.0}));
  CHECK(welch_test(SampleStats{3, 1.0, 0}, SampleStats{3, 1.0, 0})->p == 1);
  CHECK(welch_test(SampleStats{3, 1.0, 0}, SampleStats{3, 2.0, 0})->p == 0);
}

TEST_CASE("a table of repeats shows one row per configuration with mean ± std and marks the rows within noise",
          "[repeats]") {
  const test::RepeatSweep sweep = three_widths();
  const std::vector<RunSummary> runs = sweep.runs();
  REQUIRE(runs.size() == 9);
  const Table t = build_table(2, sweep.info(), runs);
  REQUIRE(t.rows.size() == 3);
  const std::string md = format_markdown(t);
  // Table 2's Best_Val_Loss: width 8's mean 0.290 and std 0.002; width 4's 0.29017 ± 0.00252.
  CHECK_THAT(md, Contains("| 0.290 ± 0.002 |"));
  CHECK_THAT(md, Contains("| 0.290 ± 0.003 |"));
  CHECK_THAT(md, Contains("| 0.350 ± 0.002 |"));
  CHECK_THAT(md, Contains("| best |"));
  CHECK_THAT(md, Contains("| ≈ (p="));
  CHECK_THAT(md, Contains("| worse (p="));
  CHECK_THAT(md, Contains("K = 3 training seeds per configuration"));
  CHECK_THAT(md, Contains("Welch's two-sided t-test"));
  // Which row is which: the vs_Best cell of each width.
  const size_t vs = t.columns.size() - 1;
  REQUIRE(t.columns[vs].header == "vs_Best");
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::string name = std::get<std::string>(t.rows[r][0]);
    const std::string mark = std::get<std::string>(t.rows[r][vs]);
    if (name == "w8") CHECK(mark == "best");
    if (name == "w4") CHECK(mark.rfind("≈", 0) == 0);
    if (name == "w16") CHECK(mark.rfind("worse", 0) == 0);
  }
  // Runtime: width 16 ran 240 s each time, so 4.00 min with no spread.
  CHECK_THAT(md, Contains("| 4 ± 0 |"));
}

TEST_CASE("CSV and JSON of a repeats table carry mean, std and n as separate fields", "[repeats]") {
  const test::RepeatSweep sweep = three_widths(/*pending16=*/true);
  const Table t = build_table(2, sweep.info(), sweep.runs());
  const std::string csv = format_csv(t);
  CHECK_THAT(csv, Contains("Best_Val_Loss,Best_Val_Loss std,Best_Val_Loss n"));
  const nlohmann::json j = nlohmann::json::parse(format_json(t));
  bool seen16 = false;
  for (const nlohmann::json& row : j["rows"]) {
    if (row["Run"] == "w8") {
      CHECK(row["Best_Val_Loss"].get<double>() == Approx(0.290));
      CHECK(row["Best_Val_Loss std"].get<double>() == Approx(0.002));
      CHECK(row["Best_Val_Loss n"] == 3);
    }
    if (row["Run"] == "w16 (n=2 of 3)") {
      seen16 = true;
      CHECK(row["Best_Val_Loss"].get<double>() == Approx(0.351));  // (0.350 + 0.352) / 2
      CHECK(row["Best_Val_Loss n"] == 2);
    }
  }
  CHECK(seen16);
  CHECK_THAT(format_markdown(t), Contains("\"n=2 of 3\": only 2 of its 3 repeats have finished"));
}

TEST_CASE("report --status counts the repeats of each configuration", "[repeats]") {
  const test::RepeatSweep sweep = three_widths(/*pending16=*/true);
  const std::string status = status_report(sweep.store(), "rep", 0);
  CHECK_THAT(status,
             Contains("Repeats: 3 configurations x K = 3 (9 runs): 2 with every repeat done, 1 with 2 of 3 done."));
  CHECK_THAT(status, Contains("w8-r2"));
}

TEST_CASE("a sweep without repeats gets no repeat columns or notes", "[repeats]") {
  const test::RepeatSweep sweep(
      test::small_spec("once", "grid:\n  model.width: [4, 8]\n"), [](const nlohmann::json& config, int64_t) {
        return std::optional<test::Figures>(test::Figures{config["model"]["width"] == 4 ? 0.3 : 0.2});
      });
  const Table t = build_table(2, sweep.info(), sweep.runs());
  CHECK(t.spreads.empty());
  CHECK(t.columns.back().header != "vs_Best");
  const std::string md = format_markdown(t);
  CHECK(md.find("±") == std::string::npos);
  CHECK(md.find("Repeats") == std::string::npos);
  CHECK(status_report(sweep.store(), "once", 0).find("Repeats") == std::string::npos);
}
