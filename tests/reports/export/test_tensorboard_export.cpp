// `report --export tensorboard DIR` read back by TensorBoard's EventAccumulator (every record's CRCs
// checked): each run's per-epoch scalars and result figures, the HParams experiment (the sampled
// settings with their ranges, the result figures as metrics) and each session's hparams and status.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "support/process_runner.h"
#include "reports/export/export_fixture.h"

using namespace bokeh;
using nlohmann::json;

namespace {

// The scalar `tag` of a run as [step, value] pairs (values as floats hold them).
std::vector<std::pair<int64_t, double>> steps(const json& run, const std::string& tag) {
  std::vector<std::pair<int64_t, double>> out;
  for (const json& point : run["scalars"].at(tag)) out.emplace_back(point[0].get<int64_t>(), point[1].get<double>());
  return out;
}

void check_series(const json& run, const std::string& tag, const std::vector<double>& values) {
  INFO(tag);
  const auto got = steps(run, tag);
  REQUIRE(got.size() == values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    CHECK(got[i].first == static_cast<int64_t>(i + 1));
    CHECK(got[i].second == Approx(static_cast<float>(values[i])).epsilon(1e-7));
  }
}

}  // namespace

TEST_CASE("TensorBoard reads every run's scalars and the sweep's HParams back from the exported folder", "[export]") {
  test::ExportFixture fixture;
  const std::string dir = fixture.dir.file("tb");
  const test::ToolResult exported = test::run_tool(
      fixture.dir, "report", "--export tensorboard " + dir + " --sweep exported --db " + fixture.db_path);
  INFO(exported.err);
  REQUIRE(exported.status == 0);
  const json read = test::read_back("read_tensorboard.py", dir);
  const json& runs = read["runs"];
  CHECK(runs.size() == 6);  // the root (the experiment) and one folder per run
  for (const auto& [name, run] : runs.items()) {
    INFO(name);
    REQUIRE(run["files"].size() == 1);
    CHECK(run["files"][0].get<std::string>().rfind("events.out.tfevents.", 0) == 0);
  }

  // The experiment: the sampled settings in the spec's order with their ranges (lr's widened to the
  // listed run's 0.05), and the result figures as metrics.
  const json& experiment = runs["."]["hparams"].at("_hparams_/experiment")["experiment"];
  const json& infos = experiment["hparam_infos"];
  REQUIRE(infos.size() == 3);
  CHECK(infos[0]["name"] == "train.lr");
  CHECK(infos[0]["type"] == "DATA_TYPE_FLOAT64");
  CHECK(infos[0]["domain_interval"] == json{{"min_value", 1e-4}, {"max_value", 0.05}});
  CHECK(infos[1]["name"] == "model.width");
  CHECK(infos[1]["domain_interval"] == json{{"min_value", 4.0}, {"max_value", 16.0}});
  CHECK(infos[2]["name"] == "model.batch_norm");
  CHECK(infos[2]["type"] == "DATA_TYPE_BOOL");
  CHECK(infos[2]["domain_discrete"] == json{true, false});
  std::vector<std::string> metrics;
  for (const json& m : experiment["metric_infos"]) metrics.push_back(m["name"]["tag"]);
  for (const char* tag : {"final/best_val_loss", "final/test_psnr", "final/runtime_min", "final/val_loss"})
    CHECK(std::count(metrics.begin(), metrics.end(), tag) == 1);
  CHECK(std::count(metrics.begin(), metrics.end(), "final/test_lpips") == 0);  // no run has it

  // The done run: every per-epoch figure it has, lr and throughput, then its results at its last epoch.
  const json& listed = runs["listed"];
  check_series(listed, "epoch/train_loss", {0.9, 0.7, 0.65});
  check_series(listed, "epoch/val_loss", {0.8, 0.6, 0.62});
  check_series(listed, "epoch/gap", {0.1, 0.1, 0.03});
  check_series(listed, "epoch/val_l1", {0.10, 0.09, 0.08});
  check_series(listed, "epoch/val_psnr", {20, 21, 22});
  check_series(listed, "epoch/val_ssim", {0.70, 0.75, 0.80});
  check_series(listed, "epoch/lr", {0.05, 0.05, 0.04});
  check_series(listed, "epoch/images_per_second", {101, 102, 103});
  CHECK(listed["scalars"].count("epoch/val_lpips") == 0);  // never computed
  const double start = *fixture.run("listed").started;
  CHECK(listed["scalars"]["epoch/val_loss"][2][2].get<double>() == Approx(start + 10 + 20 + 30));
  for (const std::string& tag : metrics) {
    INFO(tag);
    REQUIRE(listed["scalars"].count(tag) == 1);
    CHECK(listed["scalars"][tag][0][0] == 3);
  }
  CHECK(listed["scalars"]["final/best_val_loss"][0][1].get<double>() == Approx(0.6f));
  CHECK(listed["scalars"]["final/test_psnr"][0][1].get<double>() == Approx(21.5f));
  CHECK(listed["scalars"]["final/runtime_min"][0][1].get<double>() == Approx(3.0f));  // 180 s

  // A run still training has its epochs so far and no results; a pending one only its hparams.
  check_series(runs["trial-03"], "epoch/val_loss", {0.9, 0.7});
  CHECK(runs["trial-03"]["scalars"].count("final/best_val_loss") == 0);
  CHECK(runs["trial-04"]["scalars"].empty());

  // Each session: its settings as hparams, its state as the HParams status (stopped early: success).
  struct Expected {
    std::string name;
    double lr;
    double width;
    bool bn;
    std::string status;  // "" for no end yet
  };
  for (const Expected& e : std::vector<Expected>{{"listed", 0.05, 8, true, "STATUS_SUCCESS"},
                                                 {"trial-01", 1e-3, 12, false, "STATUS_SUCCESS"},
                                                 {"trial-02", 2e-4, 10, true, "STATUS_FAILURE"},
                                                 {"trial-03", 5e-3, 6, false, "STATUS_RUNNING"},
                                                 {"trial-04", 1e-4, 16, true, ""}}) {
    INFO(e.name);
    const json& hparams = runs[e.name]["hparams"];
    const json& start = hparams.at("_hparams_/session_start_info")["session_start_info"];
    CHECK(start["hparams"] == json{{"train.lr", e.lr}, {"model.width", e.width}, {"model.batch_norm", e.bn}});
    if (e.status.empty()) {
      CHECK(hparams.count("_hparams_/session_end_info") == 0);
    } else {
      CHECK(hparams.at("_hparams_/session_end_info")["session_end_info"]["status"] == e.status);
    }
  }
}

TEST_CASE("TensorBoard serves the exported sweep in its HParams view (its data API, on 127.0.0.1)", "[export]") {
  test::ExportFixture fixture;
  const std::string dir = fixture.dir.file("tb");
  REQUIRE(test::run_tool(fixture.dir, "report", "--export tensorboard " + dir + " --db " + fixture.db_path).status ==
          0);
  const json served = test::read_back("serve_exports.py", dir, "tensorboard 5");
  std::map<std::string, bool> differs;
  for (const json& info : served["experiment"]["hparamInfos"]) differs[info["name"]] = info["differs"];
  CHECK(differs == std::map<std::string, bool>{{"train.lr", true}, {"model.width", true}, {"model.batch_norm", true}});
  const json& groups = served["session_groups"];
  REQUIRE(groups["totalSize"] == 5);
  std::map<std::string, json> by_name;
  for (const json& group : groups["sessionGroups"]) by_name[group["name"]] = group;
  const std::map<std::string, std::string> statuses = {{"listed", "STATUS_SUCCESS"},
                                                       {"trial-01", "STATUS_SUCCESS"},
                                                       {"trial-02", "STATUS_FAILURE"},
                                                       {"trial-03", "STATUS_RUNNING"},
                                                       {"trial-04", "STATUS_UNKNOWN"}};
  for (const auto& [name, status] : statuses) {
    INFO(name);
    REQUIRE(by_name.count(name) == 1);
    CHECK(by_name[name]["sessions"][0]["status"] == status);
  }
  CHECK(by_name["trial-02"]["hparams"] == json{{"train.lr", 2e-4}, {"model.width", 10.0}, {"model.batch_norm", true}});
  std::map<std::string, double> metrics;  // the done run's, as the HParams table shows them
  for (const json& m : by_name["listed"]["metricValues"]) metrics[m["name"]["tag"]] = m["value"];
  CHECK(metrics.at("final/best_val_loss") == Approx(0.6f));
  CHECK(metrics.at("final/test_psnr") == Approx(21.5f));
  CHECK(by_name["trial-04"]["metricValues"].empty());
}
