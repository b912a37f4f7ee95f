// Tables 1-4 from a database filled through the store's API: columns, values and rounding, unfinished
// runs and missing values, rows named by the spec with reading and conditions footnotes (golden
// markdown), sweep selection, and CSV/JSON reading back to the markdown's values.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

#include "common/result_figures.h"
#include "reports/tables/run_summary.h"
#include "reports/tables/sweep_lookup.h"
#include "reports/tables/table_builder.h"
#include "reports/tables/table_format.h"
#include "reports/sweep_fixture.h"

using namespace bokeh;
using reports::Table;

namespace {

// A parsed markdown table: headers and rows of cell texts.
struct Grid {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;

  size_t column(const std::string& header) const {
    const auto it = std::find(headers.begin(), headers.end(), header);
    if (it == headers.end()) FAIL("no column " << header);
    return static_cast<size_t>(it - headers.begin());
  }
  const std::vector<std::string>& row(const std::string& name) const {
    for (const auto& r : rows) {
      if (r.at(0) == name) return r;
    }
    FAIL("no row " << name);
    return rows.front();
  }
  std::string at(const std::string& name, const std::string& header) const { return row(name).at(column(header)); }
};

std::vector<std::string> split_markdown_row(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < line.size(); ++i) {  // skip the leading '|'
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell += '|', ++i;
    } else if (line[i] == '|') {
      cells.push_back(cell.substr(1, cell.size() - 2));  // strip the padding spaces
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return cells;
}

Grid parse_markdown(const std::string& text) {
  Grid g;
  std::istringstream in(text);
  std::string line;
  int table_line = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '|') {
      if (table_line == 0)
        g.headers = split_markdown_row(line);
      else if (table_line > 1)
        g.rows.push_back(split_markdown_row(line));
      ++table_line;
    } else if (line.rfind("- ", 0) == 0) {
      g.notes.push_back(line.substr(2));
    }
  }
  return g;
}

// RFC 4180 fields, quoted or not.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field), field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field), field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  rows.pop_back();  // after the last newline
  return rows;
}

const std::string kDash = "–";

// The conditions footnote of every table of the fixture's sweep, by hand from kTinySpec.
const char* const kTinyConditions =
    "Conditions: data synthetic (the built-in renderer: 12 pairs of 16x16), 4 train / 2 validation / 2 test pairs, "
    "each resized once to 16x16 (height x width, centre-cropped to that aspect first); optimizer Adam; learning rate "
    "constant; precision fp32; libtorch not recorded (results older than the field); SSIM with a Gaussian window "
    "(σ 1.5, 11 taps), data range 1; PSNR per image, then averaged; LPIPS alex v0.1, – without its weights.";

Table table(const test::SweepFixture& f, int n) {
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  const orchestrator::SweepInfo sweep = reports::sweep_for_table(store, n, "");
  return reports::build_table(n, sweep, reports::summarize_sweep(store, sweep.name));
}

// Trainable parameters of Algorithm 1's U-Net with depth 2, by hand (cf. tests/training/test_unet.cpp).
double params_m_depth2(int64_t w, bool bn) {
  auto conv = [](int64_t in, int64_t out, int64_t k, bool bias) { return in * out * k * k + (bias ? out : 0); };
  auto block = [&](int64_t in, int64_t out) {
    return conv(in, out, 3, !bn) + conv(out, out, 3, !bn) + (bn ? 4 * out : 0);
  };
  return (block(3, w) + block(w, 2 * w) + conv(2 * w, w, 2, true) + block(2 * w, w) + conv(w, 3, 1, true)) / 1e6;
}

void check_round_trips(const Table& t) {
  const Grid md = parse_markdown(reports::format_markdown(t));
  const auto csv = parse_csv(reports::format_csv(t));
  const nlohmann::json json = nlohmann::json::parse(reports::format_json(t));
  REQUIRE(csv.size() == md.rows.size() + 1);
  CHECK(csv[0] == md.headers);
  REQUIRE(json["rows"].size() == md.rows.size());
  CHECK(json["columns"].get<std::vector<std::string>>() == md.headers);
  CHECK(json["title"] == t.title);
  CHECK(json["notes"].get<std::vector<std::string>>() == t.notes);
  for (size_t r = 0; r < md.rows.size(); ++r) {
    for (size_t c = 0; c < md.headers.size(); ++c) {
      const std::string& shown = md.rows[r][c];
      const nlohmann::json& value = json["rows"][r][md.headers[c]];
      INFO("row " << r << ", column " << md.headers[c] << ": " << shown);
      CHECK(csv[r + 1][c] == (shown == kDash ? "" : shown));
      if (shown == kDash) {
        CHECK(value.is_null());
      } else if (t.columns[c].style == reports::CellStyle::Text) {
        CHECK(value == shown);
      } else {
        REQUIRE(value.is_number());
        CHECK(value.get<double>() == std::stod(shown));
      }
    }
  }
}

}  // namespace

TEST_CASE("Table 1 lists every run with the study's columns and precision", "[tables]") {
  const test::SweepFixture f;
  const Grid g = parse_markdown(reports::format_markdown(table(f, 1)));
  CHECK(g.headers == std::vector<std::string>{"Run", "Data_Aug", "B_norm", "Width", "Depth", "Lr", "B_s", "Epochs",
                                              "Params (M)", "Runtime (min)", "Train_Loss", "Val_Loss", "Gap", "State"});
  REQUIRE(g.rows.size() == 5);
  // The smallest model (0.0017 M) would print 0.00 at the study's two decimals: the column widens to three.
  CHECK(g.row("VBase_1") == std::vector<std::string>{"VBase_1", "N", "Y", "8", "2", "2e-4", "4", "3",
                                                     fmt::format("{:.3f}", params_m_depth2(8, true)), "35", "0.66",
                                                     "0.59", "0.07", "done"});
  CHECK(g.row(f.lr2) == std::vector<std::string>{f.lr2, "N", "Y", "4", "2", "2e-4", "4", "3",
                                                 fmt::format("{:.3f}", params_m_depth2(4, true)), "19", "0.69", "0.62",
                                                 "0.07", "done"});
  // Unfinished runs keep their settings; their results are missing, their state shown.
  CHECK(g.row(f.lr5) == std::vector<std::string>{f.lr5, "N", "Y", "4", "2", "5e-4", "4", "3",
                                                 fmt::format("{:.3f}", params_m_depth2(4, true)), kDash, kDash, kDash,
                                                 kDash, "pending"});
  CHECK(g.at(f.lr1, "Lr") == "1e-4");
  CHECK(g.at(f.lr1, "State") == "running");
  CHECK(g.at("nobn", "B_norm") == "N");
  CHECK(g.at("nobn", "Params (M)") == fmt::format("{:.3f}", params_m_depth2(4, false)));
  CHECK(g.at("nobn", "State") == "failed");
  CHECK(g.at("nobn", "Val_Loss") == kDash);
  REQUIRE(g.notes.size() == 3);
  CHECK(g.notes[1] == "3 of 5 runs not finished (1 running, 1 pending, 1 failed): their results show as –.");
  CHECK(g.notes[2] == kTinyConditions);
}

TEST_CASE("Each table shows the result figures the figure table lists for it", "[tables]") {
  const test::SweepFixture f;
  for (int64_t n = 1; n <= 4; ++n) {
    INFO("Table " << n);
    std::set<std::string> shown, listed;
    for (const reports::Column& c : table(f, n).columns) {
      if (const common::ResultFigure* figure = common::figure_for_header(c.header)) shown.insert(figure->name);
    }
    for (const common::ResultFigure& figure : common::result_figure_table()) {
      if (std::count(figure.tables.begin(), figure.tables.end(), n)) listed.insert(figure.name);
    }
    CHECK(shown == listed);
  }
}

TEST_CASE("Table 2 keeps the best finished run per architecture and shows what it was ranked by", "[tables]") {
  const test::SweepFixture f;
  const Grid g = parse_markdown(reports::format_markdown(table(f, 2)));
  CHECK(g.headers.size() == 16);
  REQUIRE(g.rows.size() == 3);  // (8, 2, bn), (4, 2, no bn), (4, 2, bn)
  CHECK(g.rows[0][0] == "VBase_1");
  CHECK(g.rows[1][0] == "nobn");
  CHECK(g.at("nobn", "State") == "failed");
  CHECK(g.rows[2][0] == f.lr2);                   // its architecture's only finished run; lr 5e-4 and 1e-4 are not done
  CHECK(g.at(f.lr2, "Val_Loss") == "0.62");       // the last epoch's
  CHECK(g.at(f.lr2, "Best_Val_Loss") == "0.62");  // 0.6200 at epoch 2: what the ranking used
  CHECK(g.at("VBase_1", "Best_Val_Loss") == "0.58");
  CHECK(g.at("VBase_1", "Best_Epoch") == "2");
  CHECK(g.notes[1].rfind("Rows: per Width, Depth and B_norm, the finished run with the lowest Best_Val_Loss", 0) == 0);
  CHECK(g.notes[1].find("ties: the run listed first") != std::string::npos);
}

TEST_CASE("Rows the spec names, in its order, with a footnote per reading and the conditions (golden)", "[tables]") {
  const test::SweepFixture f(test::tiny_spec_with_named_rows());
  const std::string p8 = fmt::format("{:.3f}", params_m_depth2(8, true));   // 0.007
  const std::string p4 = fmt::format("{:.3f}", params_m_depth2(4, false));  // 0.002
  // By hand from the fixture: nobn failed (settings only); VBase_1 done, 2100 s, last epoch train 0.6612 /
  // val 0.5893 (gap 0.0719), best val 0.5801 at epoch 2. Only the two named rows count as unfinished or not.
  const std::string expected =
      "**Table 2 - sweep tiny: the runs the spec names**\n\n"
      "| Run | Data_Aug | B_norm | Width | Depth | Lr | B_s | Epochs | Params (M) | Runtime (min) | Train_Loss | "
      "Val_Loss | Gap | Best_Val_Loss | Best_Epoch | State |\n"
      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
      "| nobn [r1] | N | N | 4 | 2 | 2e-4 | 4 | 3 | " +
      p4 +
      " | – | – | – | – | – | – | failed |\n"
      "| VBase_1 | N | Y | 8 | 2 | 2e-4 | 4 | 3 | " +
      p8 +
      " | 35 | 0.66 | 0.59 | 0.07 | 0.58 | 2 | done |\n"
      "\n"
      "- Train_Loss, Val_Loss: the last epoch's; Gap = |Val_Loss - Train_Loss|; Runtime: training time.\n"
      "- Rows: the runs the spec names for Table 2, in its order. Best_Val_Loss: the lowest validation loss of any "
      "epoch, at Best_Epoch (those weights are tested).\n"
      "- [r1] nobn is a reading, not the study's print: B_norm is blank in the study; read as off\n"
      "- 1 of 2 runs not finished (1 failed): their results show as –.\n"
      "- " +
      std::string(kTinyConditions) + "\n";
  CHECK(reports::format_markdown(table(f, 2)) == expected);

  // Table 4: the named run (unfinished) instead of the best (VBase_1), then the published row.
  const Grid g4 = parse_markdown(reports::format_markdown(table(f, 4)));
  REQUIRE(g4.rows.size() == 2);
  CHECK(g4.rows[0][0] == "nobn [r1]");
  CHECK(g4.at("nobn [r1]", "PSNR ↑") == kDash);
  CHECK(g4.rows[1][0] == "PyNET (published)");
  // Its one run has no results: no precision or libtorch to state (the others' do not count).
  std::string conditions = kTinyConditions;
  const std::string trained = "precision fp32; libtorch not recorded (results older than the field);";
  conditions.replace(conditions.find(trained), trained.size(), "precision – (no run has results yet); libtorch –;");
  CHECK(g4.notes.back() == conditions);
  // Table 1 is `all`: every run, nobn marked.
  const Grid g1 = parse_markdown(reports::format_markdown(table(f, 1)));
  CHECK(g1.rows.size() == 5);
  CHECK(g1.at("nobn [r1]", "State") == "failed");
}

TEST_CASE("Table 3 shows the loss weights and test metrics, LPIPS missing without its weights", "[tables]") {
  const test::SweepFixture f;
  const Grid g = parse_markdown(reports::format_markdown(table(f, 3)));
  // The focus columns show "–" for results without them (the fixture's, as stored before them).
  CHECK(g.headers == std::vector<std::string>{"Run", "λ1", "λ2", "λ3", "Epochs", "Runtime (min)", "Train_Loss",
                                              "Val_Loss", "L1", "PSNR", "SSIM", "LPIPS", "FG_PSNR", "FG_SSIM",
                                              "BG_PSNR", "BG_Blur", "State"});
  CHECK(g.row("VBase_1") == std::vector<std::string>{"VBase_1", "1", "1", "0", "3", "35", "0.66", "0.59", "0.15",
                                                     "23.09", "0.81", kDash, kDash, kDash, kDash, kDash, "done"});
  CHECK(g.row(f.lr2) == std::vector<std::string>{f.lr2, "1", "1", "0", "3", "19", "0.69", "0.62", "0.16", "22.91",
                                                 "0.80", kDash, kDash, kDash, kDash, kDash, "done"});
  CHECK(g.at("nobn", "PSNR") == kDash);
  CHECK(std::count_if(g.notes.begin(), g.notes.end(),
                      [](const std::string& n) { return n.find("LPIPS weights") != std::string::npos; }) == 1);
}

TEST_CASE("Table 4 sets the best run against the spec's published rows", "[tables]") {
  const test::SweepFixture f;
  const Grid g = parse_markdown(reports::format_markdown(table(f, 4)));
  CHECK(g.headers == std::vector<std::string>{"Model", "Epochs", "Params (M)", "Train runtime (min)", "PSNR ↑",
                                              "SSIM ↑", "LPIPS ↓", "Inference (s/image)", "Inference peak (MB)",
                                              "FG_PSNR ↑", "FG_SSIM ↑", "BG_PSNR ↑", "BG_Blur ↓"});
  REQUIRE(g.rows.size() == 2);
  // Results without inference figures (all of the fixture's: never measured) show –.
  CHECK(g.rows[0] == std::vector<std::string>{"VBase_1", "3", fmt::format("{:.2f}", params_m_depth2(8, true)), "35",
                                              "23.09", "0.8123", kDash, kDash, kDash, kDash, kDash, kDash, kDash});
  CHECK(g.rows[1] == std::vector<std::string>{"PyNET (published)", kDash, "47.50", kDash, "23.28", "0.8780", "0.2438",
                                              kDash, kDash, kDash, kDash, kDash, kDash});
  const bool sourced = std::any_of(g.notes.begin(), g.notes.end(), [](const std::string& n) {
    return n == "PyNET (published): published in Ignatov et al. 2020; not measured here, under its own conditions.";
  });
  CHECK(sourced);
}

TEST_CASE("Tables 3 and 4 show the test set's focus figures of the runs that have them, – for the rest", "[tables]") {
  const test::SweepFixture f;
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  std::vector<reports::RunSummary> runs = reports::summarize_sweep(store, "tiny");
  for (reports::RunSummary& r : runs) {
    if (r.name != "VBase_1") continue;  // a run trained with the focus figures; lr2's results are older
    reports::set_run_figure(r, "test_fg_psnr", 27.3456);
    reports::set_run_figure(r, "test_fg_ssim", 0.91234);
    reports::set_run_figure(r, "test_bg_psnr", 21.0049);
    reports::set_run_figure(r, "test_bg_ssim", 0.7);  // in the results, not a column
    reports::set_run_figure(r, "test_bg_blur", 1.23456);
  }
  const Grid g3 = parse_markdown(reports::format_markdown(reports::build_table(3, *store.sweep("tiny"), runs)));
  CHECK(g3.at("VBase_1", "FG_PSNR") == "27.35");
  CHECK(g3.at("VBase_1", "FG_SSIM") == "0.91");
  CHECK(g3.at("VBase_1", "BG_PSNR") == "21.00");
  CHECK(g3.at("VBase_1", "BG_Blur") == "1.23");
  CHECK(g3.at(f.lr2, "FG_PSNR") == kDash);
  CHECK(g3.at("VBase_1", "State") == "done");
  CHECK(std::count(g3.headers.begin(), g3.headers.end(), "BG_SSIM") == 0);
  CHECK(std::count_if(g3.notes.begin(), g3.notes.end(), [](const std::string& n) {
          return n.rfind("FG_PSNR, FG_SSIM, BG_PSNR, BG_Blur: the test set's focus figures", 0) == 0;
        }) == 1);
  const Grid g4 = parse_markdown(reports::format_markdown(reports::build_table(4, *store.sweep("tiny"), runs)));
  CHECK(g4.at("VBase_1", "FG_PSNR ↑") == "27.35");
  CHECK(g4.at("VBase_1", "FG_SSIM ↑") == "0.9123");
  CHECK(g4.at("VBase_1", "BG_Blur ↓") == "1.23");
  CHECK(g4.at("PyNET (published)", "BG_PSNR ↑") == kDash);
}

TEST_CASE("CSV and JSON read back to the markdown's values", "[tables]") {
  const test::SweepFixture f;
  for (int n = 1; n <= 4; ++n) {
    INFO("table " << n);
    check_round_trips(table(f, n));
  }
}

TEST_CASE("Text with separators survives every format", "[tables]") {
  Table t;
  t.title = "t";
  t.columns = {reports::Column{"Run"}, reports::Column{"x", reports::CellStyle::Fixed, 2}};
  t.rows = {{reports::Cell{std::string("a|b, \"c\"")}, reports::Cell{1.005}}, {reports::Cell{}, reports::Cell{}}};
  check_round_trips(t);
  CHECK(parse_markdown(reports::format_markdown(t)).rows[0][0] == "a|b, \"c\"");
}

TEST_CASE("Cells are written in their column's style", "[tables]") {
  using reports::CellStyle;
  const reports::Column lr{"Lr", CellStyle::Scientific, 0}, fixed2{"x", CellStyle::Fixed, 2},
      general{"g", CellStyle::General, 0};
  CHECK(*reports::cell_text(lr, 2e-4) == "2e-4");
  CHECK(*reports::cell_text(lr, 0.0005) == "5e-4");
  CHECK(*reports::cell_text(lr, 1.5e-3) == "1.5e-3");
  CHECK(*reports::cell_text(lr, 0.01) == "1e-2");
  CHECK(*reports::cell_text(fixed2, 0.666) == "0.67");
  CHECK(*reports::cell_text(fixed2, -0.001) == "0.00");
  CHECK(*reports::cell_text(fixed2, 47.5) == "47.50");
  CHECK(*reports::cell_text(general, 0.5) == "0.5");
  CHECK(*reports::cell_text(general, 30.0) == "30");
  CHECK_FALSE(reports::cell_text(fixed2, reports::Cell{}).has_value());
}

TEST_CASE("Decimals widen only where a nonzero value would print as zero", "[tables]") {
  CHECK(reports::fit_decimals({0.07, 0.66}, 2, 4) == 2);
  CHECK(reports::fit_decimals({0.004, 0.66}, 2, 4) == 3);
  CHECK(reports::fit_decimals({0.0004}, 2, 4) == 4);
  CHECK(reports::fit_decimals({0.000001}, 2, 4) == 4);
  CHECK(reports::fit_decimals({0.0, std::nullopt}, 2, 4) == 2);
  CHECK(reports::fit_decimals({0.3}, 0, 2) == 1);
  CHECK(reports::fit_decimals({35.0}, 0, 2) == 0);
}

TEST_CASE("Without --sweep a table comes from the latest sweep that lists it", "[tables]") {
  test::SweepFixture f;
  {
    orchestrator::Store store(f.db_path);
    std::string other = test::kTinySpec;
    other.replace(other.find("sweep: tiny"), 11, "sweep: other");
    other.replace(other.find("tables: [1, 2, 3, 4]"), 20, "tables: [3]");
    store.register_sweep(orchestrator::sweep_info(orchestrator::parse_spec(other, "other.yaml")));
  }
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  CHECK(reports::sweep_for_table(store, 3, "").name == "other");
  CHECK(reports::sweep_for_table(store, 1, "").name == "tiny");
  CHECK(reports::sweep_for_table(store, 3, "tiny").name == "tiny");
  CHECK_THROWS_WITH(reports::sweep_for_table(store, 5, ""), Catch::Contains("tables 1 to 4"));
  CHECK_THROWS_WITH(reports::sweep_for_table(store, 1, "nope"),
                    Catch::Contains("no sweep named \"nope\"") && Catch::Contains("other") && Catch::Contains("tiny"));
  CHECK_THROWS_WITH(reports::summarize_sweep(store, "other"), Catch::Contains("no runs"));
  CHECK_THROWS_WITH(reports::open_store((f.dir.path() / "missing.db").string()), Catch::Contains("missing.db"));
}

TEST_CASE("Table 4 shows a run's inference figures, and its conditions footnote the device they were measured on",
          "[tables]") {
  const test::SweepFixture f;
  // VBase_1's results as a worker that timed inference stores them.
  orchestrator::RunRecord record = f.runs.at("VBase_1");
  nlohmann::json results = nlohmann::json::parse(record.results_json);
  results["inference_seconds"] = 0.7342;
  results["inference_peak_mb"] = 412.4;
  results["inference_device"] = "cpu, 2 threads";
  results["inference_repeats"] = 3;
  record.results_json = results.dump();
  const orchestrator::StoreReader store = reports::open_store(f.db_path);
  std::vector<reports::RunSummary> runs = reports::summarize_sweep(store, "tiny");
  for (reports::RunSummary& r : runs)
    if (r.name == "VBase_1") r = reports::summarize_run(record);
  const Grid g = parse_markdown(reports::format_markdown(reports::build_table(4, *store.sweep("tiny"), runs)));
  CHECK(g.at("VBase_1", "Inference (s/image)") == "0.734");
  CHECK(g.at("VBase_1", "Inference peak (MB)") == "412");
  CHECK(
      g.notes.back() ==
      "Conditions: data synthetic (the built-in renderer: 12 pairs of 16x16), 4 train / 2 validation / 2 test pairs, "
      "each resized once to 16x16 (height x width, centre-cropped to that aspect first); optimizer Adam; learning "
      "rate constant; precision fp32; libtorch not recorded (results older than the field); inference: the best "
      "weights on one 1024x1536 photo (batch 1, fp32), median of timed passes after a warm-up, peak memory of "
      "the tensors they allocate, on cpu, 2 threads; SSIM with a Gaussian window (σ 1.5, 11 taps), data range 1; PSNR "
      "per image, then averaged; LPIPS alex v0.1, – without its weights.");
}
