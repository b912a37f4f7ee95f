// Protocol messages round-trip through encode/decode; malformed ones are errors naming the sender.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <utility>
#include <vector>

#include "common/protocol.h"

using namespace bokeh::common;

namespace {
EpochFigures figures(int64_t epoch) { return {epoch, 0.75, 0.625, 0.125, 2e-4, 12.5, 40.25}; }

Message round_trip(const Message& m) { return decode_message(message_tag(m), encode_message(m), 3); }
}  // namespace

TEST_CASE("every message type round-trips", "[protocol]") {
  SECTION("READY") {
    auto back = std::get<ReadyMessage>(round_trip(ReadyMessage{"node-a", 2, "cpu"}));
    CHECK(back.host == "node-a");
    CHECK(back.threads == 2);
    CHECK(back.device == "cpu");
  }
  SECTION("ASSIGN") {
    AssignMessage m{"k123",
                    "VBase_2",
                    {{"model", {{"width", 32}}}},
                    18446744073709551557ull,
                    "/d/data.bin",
                    "/d/ckpt",
                    "",
                    true,
                    "cuda",
                    3,
                    9,
                    4,
                    "5f0c1e",
                    90.5};
    auto back = std::get<AssignMessage>(round_trip(m));
    CHECK(back.sweep_instance == "5f0c1e");
    CHECK(back.stall_seconds == 90.5);
    CHECK(back.run_key == m.run_key);
    CHECK(back.run_name == m.run_name);
    CHECK(back.config == m.config);
    CHECK(back.seed == m.seed);
    CHECK(back.data_file == m.data_file);
    CHECK(back.checkpoint_dir == m.checkpoint_dir);
    CHECK(back.lpips_weights.empty());
    CHECK(back.resume);
    CHECK(back.device == "cuda");
    CHECK(back.threads == 3);
    CHECK(back.until_epoch == 9);
    CHECK(back.runs_per_gpu == 4);
  }
  SECTION("EPOCH") {
    auto back = std::get<EpochMessage>(round_trip(EpochMessage{"k1", figures(7)}));
    CHECK(back.run_key == "k1");
    CHECK(back.figures.epoch == 7);
    CHECK(back.figures.train_loss == 0.75);
    CHECK(back.figures.val_loss == 0.625);
    CHECK(back.figures.gap == 0.125);
    CHECK(back.figures.lr == 2e-4);
    CHECK(back.figures.seconds == 12.5);
    CHECK(back.figures.images_per_second == 40.25);
    CHECK_FALSE(back.figures.val_psnr);  // not computed
  }
  SECTION("EPOCH with the validation metrics") {
    EpochFigures scored = figures(3);
    scored.val_l1 = 0.0625;
    scored.val_psnr = 26.5;
    scored.val_ssim = 0.875;
    scored.val_lpips = 0.1875;
    const auto back = std::get<EpochMessage>(round_trip(EpochMessage{"k1", scored}));
    CHECK(back.figures.val_l1 == 0.0625);
    CHECK(back.figures.val_psnr == 26.5);
    CHECK(back.figures.val_ssim == 0.875);
    CHECK(back.figures.val_lpips == 0.1875);
  }
  SECTION("DONE, with and without LPIPS") {
    TrainResult r;
    r.epochs = 2;
    r.best_epoch = 2;
    r.best_val_loss = 0.5;
    r.train_loss = 0.6;
    r.val_loss = 0.5;
    r.gap = 0.1;
    r.test = {0.05, 27.5, 0.91, std::nullopt};
    r.runtime_seconds = 30;
    r.images_per_second = 12;
    r.parameters = 467875;
    r.history = {figures(1), figures(2)};
    auto back = std::get<DoneMessage>(round_trip(DoneMessage{"k2", r}));
    CHECK(back.results.best_epoch == 2);
    CHECK(back.results.test.psnr == 27.5);
    CHECK_FALSE(back.results.test.lpips.has_value());
    CHECK(back.results.parameters == 467875);
    REQUIRE(back.results.history.size() == 2);
    CHECK(back.results.history[1].epoch == 2);
    r.test.lpips = 0.2;
    back = std::get<DoneMessage>(round_trip(DoneMessage{"k2", r}));
    CHECK(back.results.test.lpips == Approx(0.2));
  }
  SECTION("FAILED") {
    auto back = std::get<FailedMessage>(round_trip(FailedMessage{"k3", "non-finite loss at epoch 3, batch 7", true}));
    CHECK(back.error == "non-finite loss at epoch 3, batch 7");
    CHECK(back.interrupted);
  }
  SECTION("STOP") { CHECK(std::holds_alternative<StopMessage>(round_trip(StopMessage{}))); }
  SECTION("NOTICE") {
    auto back = std::get<NoticeMessage>(round_trip(NoticeMessage{"k4", "checkpoint", "last.pt is corrupt; resumed"}));
    CHECK(back.run_key == "k4");
    CHECK(back.kind == "checkpoint");
    CHECK(back.text == "last.pt is corrupt; resumed");
  }
  SECTION("PROGRESS") {
    auto back = std::get<ProgressMessage>(round_trip(ProgressMessage{"k5", "validation", 3, 7}));
    CHECK(back.run_key == "k5");
    CHECK(back.phase == "validation");
    CHECK(back.epoch == 3);
    CHECK(back.batch == 7);
  }
}

TEST_CASE("tags are distinct and named", "[protocol]") {
  CHECK(message_tag(ReadyMessage{}) == 1);
  CHECK(message_tag(StopMessage{}) == 6);
  CHECK(message_tag(NoticeMessage{}) == 7);
  CHECK(std::string(message_type_name(7)) == "NOTICE");
  CHECK(message_tag(ProgressMessage{}) == 8);
  CHECK(std::string(message_type_name(8)) == "PROGRESS");
  CHECK(std::string(message_type_name(3)) == "EPOCH");
  CHECK(std::string(message_type_name(99)) == "unknown");
}

TEST_CASE("malformed messages are errors that name the sender's rank", "[protocol]") {
  auto error_of = [](int tag, const std::string& bytes) {
    try {
      decode_message(tag, bytes, 5);
    } catch (const ProtocolError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  using Catch::Matchers::Contains;
  CHECK_THAT(error_of(42, "{}"), Contains("rank 5") && Contains("unknown type tag 42"));
  CHECK_THAT(error_of(3, "{not json"), Contains("EPOCH") && Contains("rank 5") && Contains("not valid JSON"));
  CHECK_THAT(error_of(3, "[1,2]"), Contains("not a JSON object"));
  CHECK_THAT(error_of(3, R"({"run_key":"k"})"), Contains("rank 5") && Contains("figures"));
  CHECK_THAT(error_of(3, R"({"run_key":"k","figures":{"epoch":"three"}})"),
             Contains("rank 5") && Contains("'epoch'") && Contains("wrong type"));
  CHECK_THAT(error_of(5, R"({"run_key":"k","error":"x"})"), Contains("FAILED") && Contains("interrupted"));
  CHECK_THAT(error_of(7, R"({"run_key":"k","kind":"checkpoint"})"), Contains("NOTICE") && Contains("text"));
  CHECK_THAT(error_of(8, R"({"run_key":"k","phase":"train","epoch":1})"), Contains("PROGRESS") && Contains("batch"));
  CHECK_THAT(error_of(2, R"({"run_key":"k","run_name":"n","config":3,"seed":1,"data_file":"",
                            "checkpoint_dir":"","lpips_weights":"","resume":false,"device":"cpu","threads":0,
                            "until_epoch":0,"runs_per_gpu":1})"),
             Contains("ASSIGN") && Contains("config"));
  CHECK_THAT(error_of(2, R"({"run_key":"k","run_name":"n","config":{},"seed":1,"data_file":"",
                            "checkpoint_dir":"","lpips_weights":"","resume":false,"device":"cpu","threads":0,
                            "until_epoch":0})"),
             Contains("ASSIGN") && Contains("runs_per_gpu"));
  CHECK_THAT(error_of(2, R"({"run_key":"k","run_name":"n","config":{},"seed":1,"data_file":"",
                            "checkpoint_dir":"","lpips_weights":"","resume":false,"device":"cpu","threads":0,
                            "until_epoch":0,"runs_per_gpu":0})"),
             Contains("ASSIGN") && Contains("runs_per_gpu") && Contains("below 1"));
  // Truncated bytes of a valid message are not valid JSON.
  const std::string full = encode_message(EpochMessage{"k", figures(1)});
  CHECK_THAT(error_of(3, full.substr(0, full.size() / 2)), Contains("not valid JSON"));
}

TEST_CASE("every message names the protocol and its version, and another version or none is refused", "[protocol]") {
  using Catch::Matchers::Contains;
  const nlohmann::json sent = nlohmann::json::parse(encode_message(StopMessage{}));
  CHECK(sent == nlohmann::json{{"protocol", "bokeh-sweep"}, {"version", kProtocolVersion}});
  auto error_of = [](MessageTag tag, const nlohmann::json& j) {
    try {
      decode_message(static_cast<int>(tag), j.dump(), 4);
    } catch (const ProtocolError& e) {
      CHECK(e.source_rank() == 4);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  nlohmann::json failed = nlohmann::json::parse(encode_message(FailedMessage{"k", "boom", false}));
  CHECK(error_of(MessageTag::Failed, failed) == "no error");
  nlohmann::json newer = failed;
  newer["version"] = kProtocolVersion + 1;
  newer.erase("interrupted");  // a newer build's fields may differ: the version is what is named
  CHECK_THAT(error_of(MessageTag::Failed, newer),
             Contains("FAILED") && Contains("rank 4") && Contains(fmt::format("version {}", kProtocolVersion + 1)) &&
                 Contains(fmt::format("this build speaks bokeh-sweep version {}", kProtocolVersion)));
  nlohmann::json foreign = failed;
  foreign["protocol"] = "other";
  CHECK_THAT(error_of(MessageTag::Failed, foreign), Contains("protocol \"other\""));
  nlohmann::json unnamed = failed;
  unnamed.erase("protocol");
  unnamed.erase("version");
  CHECK_THAT(error_of(MessageTag::Failed, unnamed), Contains("no protocol name and version"));
  CHECK_THAT(error_of(MessageTag::Stop, nlohmann::json::object()), Contains("STOP") && Contains("no protocol"));
}

TEST_CASE("another protocol version is told apart from a malformed message", "[protocol]") {
  // The sweep exits 2 (bad input) for ranks of different builds, 1 for a run a malformed message failed.
  const auto version_error = [](const nlohmann::json& j) {
    try {
      decode_message(static_cast<int>(MessageTag::Failed), j.dump(), 4);
    } catch (const ProtocolVersionError& e) {
      CHECK(e.source_rank() == 4);
      return true;
    } catch (const ProtocolError&) {
      return false;
    }
    FAIL("no error");
    return false;
  };
  const nlohmann::json failed = nlohmann::json::parse(encode_message(FailedMessage{"k", "boom", false}));
  nlohmann::json newer = failed, unnamed = failed, malformed = failed;
  newer["version"] = kProtocolVersion + 1;
  unnamed.erase("version");
  unnamed.erase("protocol");
  malformed.erase("error");
  CHECK(version_error(newer));
  CHECK(version_error(unnamed));
  CHECK_FALSE(version_error(malformed));
}

TEST_CASE("message tags are fixed numbers on the wire, one per type", "[protocol]") {
  const std::vector<std::pair<Message, int>> tags = {{ReadyMessage{}, 1},  {AssignMessage{}, 2},  {EpochMessage{}, 3},
                                                     {DoneMessage{}, 4},   {FailedMessage{}, 5},  {StopMessage{}, 6},
                                                     {NoticeMessage{}, 7}, {ProgressMessage{}, 8}};
  for (const auto& [message, tag] : tags) {
    CHECK(message_tag(message) == tag);
    CHECK(message_type_name(tag) != std::string("unknown"));
  }
}
