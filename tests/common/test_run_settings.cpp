// The run-settings table and what derives from it: the one reader of a run's canonical config
// (every setting from its dotted key; missing and mistyped keys named), the one writer (round trip),
// the defaults (TrainConfig's), and sweeps/README.md's settings table, which must equal the table.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/run_identity.h"
#include "common/run_settings.h"

using namespace bokeh::common;

namespace {

// The error train_config_from_json() raises on `config`; nullopt when it reads.
std::optional<ConfigKeyError> config_error(const nlohmann::json& config) {
  try {
    train_config_from_json(config);
  } catch (const ConfigKeyError& e) {
    return e;
  }
  return std::nullopt;
}

// The cells of the settings table in sweeps/README.md (rows starting "| `"), split at unescaped "|".
std::vector<std::vector<std::string>> readme_settings_rows() {
  std::ifstream in(std::string(BOKEH_SOURCE_DIR) + "/sweeps/README.md");
  REQUIRE(in);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line.rfind("| key | type | default | range | meaning |", 0) == 0) {
      in_table = true;
      continue;
    }
    if (!in_table || line.rfind("|---", 0) == 0) continue;
    if (line.rfind("| `", 0) != 0) break;  // the table ends at its first non-row line
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|' && line[i - 1] != '\\') {
        const size_t b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
        cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    rows.push_back(cells);
  }
  return rows;
}

// What the table's type and default columns say for `s`.
std::string type_text(const Setting& s) {
  switch (s.kind) {
    case SettingKind::Integer:
      return "integer";
    case SettingKind::Real:
      return "number";
    case SettingKind::Boolean:
      return "boolean";
    case SettingKind::Choice:
      break;
  }
  std::string out;
  for (const std::string& c : s.choices) out += (out.empty() ? "`" : " \\| `") + c + "`";
  return out;
}
std::string default_text(const Setting& s) {
  const std::string v = format_setting_value(s.default_value);
  return s.kind == SettingKind::Choice ? "`" + v + "`" : v;
}

}  // namespace

TEST_CASE("sweeps/README.md's settings table is the run-settings table: keys in order, types, defaults, ranges",
          "[settings][docs]") {
  const auto rows = readme_settings_rows();
  REQUIRE(rows.size() == run_settings().size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Setting& s = run_settings()[i];
    INFO(s.path);
    REQUIRE(rows[i].size() == 5);
    CHECK(rows[i][0] == "`" + s.path + "`");
    CHECK(rows[i][1] == type_text(s));
    CHECK(rows[i][2] == default_text(s));
    // Numbers: the cell starts with the range (a constraint across settings may follow, after ", " or "; ").
    const std::string range = range_text(s);
    if (!range.empty()) {
      const std::string& cell = rows[i][3];
      CHECK(cell.substr(0, range.size()) == range);
      CHECK((cell.size() == range.size() || cell[range.size()] == ',' || cell[range.size()] == ';'));
    }
  }
}

TEST_CASE("the range text is what range_error enforces at its ends", "[settings]") {
  const Setting& width = *find_setting("model.width");
  CHECK(range_text(width) == "1..1024");
  CHECK_FALSE(range_error(width, 1));
  CHECK_FALSE(range_error(width, 1024));
  CHECK(range_error(width, 0));
  CHECK(range_error(width, 1025));
  const Setting& factor = *find_setting("train.scheduler_factor");
  CHECK(range_text(factor) == "in (0, 1)");
  CHECK(range_error(factor, 0.0));
  CHECK(range_error(factor, 1.0));
  CHECK_FALSE(range_error(factor, 0.5));
  const Setting& lr = *find_setting("train.lr");
  CHECK(range_text(lr) == "in [1e-10, 10]");
  CHECK_FALSE(range_error(lr, 1e-10));
  CHECK_FALSE(range_error(lr, 10.0));
  CHECK(range_error(lr, 1e-11));
  CHECK(range_text(*find_setting("model.batch_norm")).empty());
}

TEST_CASE("the writer and the reader are inverse: a config away from every default round-trips", "[settings]") {
  TrainConfig c;
  c.model = {24, 4, false};
  c.model.attention = true;
  c.lr = 5e-4;
  c.batch_size = 8;
  c.epochs = 12;
  c.weight_decay = 0.01;
  c.augment = true;
  c.scheduler.enabled = true;
  c.scheduler.factor = 0.5;
  c.scheduler.patience = 7;
  c.precision = "bf16";
  c.loss = {2.0, 0.25, 0.125, {5, 6.0, 0.05}};
  const nlohmann::json written = run_config_json(c);
  // Nested by the dotted paths, every setting and nothing else.
  CHECK(written.at("model").at("width") == 24);
  CHECK(written.at("model").at("attention") == true);
  CHECK(written.at("loss").at("focus").at("levels") == 5);
  CHECK(written.at("train").at("scheduler") == "plateau");
  size_t leaves = 0;
  for (const auto& [group, values] : written.items()) {
    for (const auto& [key, value] : values.items()) leaves += value.is_object() ? value.size() : 1;
  }
  // model.arch has one value, its default, at which the writer leaves it out.
  CHECK_FALSE(written.at("model").contains("arch"));
  CHECK(leaves == run_settings().size() - 1);
  const TrainConfig read = train_config_from_json(written, 9);
  CHECK(run_config_json(read) == written);
  CHECK(read.model.width == 24);
  CHECK(read.scheduler.enabled);
  CHECK(read.loss.focus.mask_scale == 0.05);
  CHECK(read.seed == 9);
  // The defaults are TrainConfig's, setting by setting.
  for (const Setting& s : run_settings()) {
    INFO(s.path);
    CHECK(setting_value(default_run_config(), s.path) == s.default_value);
    CHECK(s.read(TrainConfig{}) == s.default_value);
  }
  CHECK(default_run_config() == run_config_json(TrainConfig{}));
}

TEST_CASE("a run config reads into TrainConfig, every setting of the table from its dotted key", "[settings]") {
  using Json = nlohmann::json;
  struct Field {
    std::string key;
    Json value;                                    // away from the default
    std::function<Json(const TrainConfig&)> read;  // where it lands
  };
  const std::vector<Field> fields = {
      {"model.width", 24, [](const TrainConfig& c) { return Json(c.model.width); }},
      {"model.depth", 4, [](const TrainConfig& c) { return Json(c.model.depth); }},
      {"model.batch_norm", false, [](const TrainConfig& c) { return Json(c.model.batch_norm); }},
      {"model.attention", true, [](const TrainConfig& c) { return Json(c.model.attention); }},
      {"train.lr", 5e-4, [](const TrainConfig& c) { return Json(c.lr); }},
      {"train.batch_size", 8, [](const TrainConfig& c) { return Json(c.batch_size); }},
      {"train.epochs", 12, [](const TrainConfig& c) { return Json(c.epochs); }},
      {"train.weight_decay", 0.01, [](const TrainConfig& c) { return Json(c.weight_decay); }},
      {"train.augment", true, [](const TrainConfig& c) { return Json(c.augment); }},
      {"train.scheduler", "plateau",
       [](const TrainConfig& c) { return Json(c.scheduler.enabled ? "plateau" : "none"); }},
      {"train.scheduler_factor", 0.5, [](const TrainConfig& c) { return Json(c.scheduler.factor); }},
      {"train.scheduler_patience", 7, [](const TrainConfig& c) { return Json(c.scheduler.patience); }},
      {"train.precision", "bf16", [](const TrainConfig& c) { return Json(c.precision); }},
      {"loss.l1", 2.0, [](const TrainConfig& c) { return Json(c.loss.l1); }},
      {"loss.ssim", 0.25, [](const TrainConfig& c) { return Json(c.loss.ssim); }},
      {"loss.lpips", 0.125, [](const TrainConfig& c) { return Json(c.loss.lpips); }},
      {"loss.focus.levels", 5, [](const TrainConfig& c) { return Json(c.loss.focus.levels); }},
      {"loss.focus.in_focus_weight", 6.0, [](const TrainConfig& c) { return Json(c.loss.focus.in_focus_weight); }},
      {"loss.focus.mask_scale", 0.05, [](const TrainConfig& c) { return Json(c.loss.focus.mask_scale); }}};
  REQUIRE(fields.size() + 1 == run_settings().size());  // model.arch has only its default (its own test below)
  // Every setting away from its default, written by set_setting_value, read by the one reader.
  Json config = default_run_config();
  for (const Field& f : fields) {
    INFO(f.key);
    REQUIRE(find_setting(f.key) != nullptr);
    CHECK(f.value != find_setting(f.key)->default_value);
    set_setting_value(config, f.key, f.value);
  }
  const TrainConfig read = train_config_from_json(config, 42);
  const TrainConfig defaults = train_config_from_json(default_run_config());
  for (const Field& f : fields) {
    INFO(f.key);
    CHECK(f.read(read) == f.value);
    CHECK(f.read(defaults) == find_setting(f.key)->default_value);
  }
  CHECK(read.seed == 42);
  CHECK(defaults.seed == 0);
}

TEST_CASE("a run config lacking or mistyping a setting is refused naming its dotted key", "[settings]") {
  for (const Setting& s : run_settings()) {
    INFO(s.path);
    nlohmann::json config = default_run_config();
    set_setting_value(config, s.path, nullptr);  // null counts as missing
    std::optional<ConfigKeyError> error = config_error(config);
    if (s.path == "train.precision") {  // runs stored before the setting existed were trained in fp32
      CHECK_FALSE(error);
      CHECK(train_config_from_json(config).precision == "fp32");
      set_setting_value(config, s.path, nlohmann::json::array({1}));
      CHECK(config_error(config));
      continue;
    }
    if (s.path == "model.arch" || s.path == "model.attention") {  // runs stored before them: plain U-Nets
      CHECK_FALSE(error);
      CHECK(train_config_from_json(config).model.arch == "unet");
      CHECK_FALSE(train_config_from_json(config).model.attention);
      set_setting_value(config, s.path, nlohmann::json::array({1}));
      CHECK(config_error(config));
      continue;
    }
    REQUIRE(error);
    CHECK(error->key() == s.path);
    CHECK(error->missing());
    CHECK(std::string(error->what()) == "run config lacks \"" + s.path + "\"");

    set_setting_value(config, s.path, nlohmann::json::array({1}));  // no setting is a list
    error = config_error(config);
    REQUIRE(error);
    CHECK(error->key() == s.path);
    CHECK_FALSE(error->missing());
    CHECK(error->found() == "[1]");
    CHECK(std::string(error->what()) == "run config: \"" + s.path + "\" has the wrong type ([1])");
  }
  nlohmann::json config = default_run_config();
  config["train"].erase("epochs");
  CHECK_THROWS_WITH(train_config_from_json(config), "run config lacks \"train.epochs\"");
  config.erase("model");
  CHECK_THROWS_WITH(train_config_from_json(config), "run config lacks \"model.width\"");
  set_setting_value(config, "model.width", "wide");
  CHECK_THROWS_WITH(train_config_from_json(config), "run config: \"model.width\" has the wrong type (\"wide\")");
  CHECK_THROWS_WITH(train_config_from_json(nlohmann::json::array()), "run config lacks \"model.width\"");
  CHECK_THROWS_AS(train_config_from_json(nlohmann::json::object()), std::runtime_error);
}

TEST_CASE("model.arch at its default is left out of a config, so runs stored before it keep their keys and seeds",
          "[settings]") {
  // The canonical default config as runs were stored before model.arch existed.
  const nlohmann::json stored = nlohmann::json::parse(R"({
    "loss": {"focus": {"in_focus_weight": 4.0, "levels": 3, "mask_scale": 0.02}, "l1": 1.0, "lpips": 0.5, "ssim": 1.0},
    "model": {"batch_norm": true, "depth": 3, "width": 32},
    "train": {"augment": false, "batch_size": 4, "epochs": 10, "lr": 0.0002, "precision": "auto",
              "scheduler": "none", "scheduler_factor": 0.8, "scheduler_patience": 3, "weight_decay": 0.0}})");
  CHECK(default_run_config() == stored);
  CHECK(default_run_config().dump() == stored.dump());
  CHECK(train_config_from_json(stored).model.arch == "unet");
  CHECK(setting_value(stored, "model.arch") == "unet");
  // Setting it to its default (a spec's base, --set model.arch=unet) leaves the config, its key and seed as they were.
  nlohmann::json explicit_arch = stored;
  set_setting_value(explicit_arch, "model.arch", "unet");
  CHECK(explicit_arch == stored);
  CHECK(config_key(explicit_arch) == config_key(stored));
  CHECK(config_seed(7, explicit_arch) == config_seed(7, stored));
  // Another value is written; an unknown one is out of range.
  const Setting& arch = *find_setting("model.arch");
  CHECK(arch.choices == std::vector<std::string>{"unet", "pynet"});
  CHECK(range_error(arch, "resnet"));
  nlohmann::json pynet = stored;
  set_setting_value(pynet, "model.arch", "pynet");
  CHECK(pynet.at("model").at("arch") == "pynet");
  CHECK(config_key(pynet) != config_key(stored));
}
