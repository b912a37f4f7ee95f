// Encoding and checked decoding of the protocol's messages (see protocol.h for the exchange).
#include "common/protocol.h"

#include <fmt/format.h>

#include "common/result_json.h"

namespace bokeh::common {

namespace {
constexpr const char* kTypeNames[] = {"READY", "ASSIGN", "EPOCH", "DONE", "FAILED", "STOP", "NOTICE", "PROGRESS"};
constexpr int kTypeCount = static_cast<int>(std::size(kTypeNames));
static_assert(static_cast<int>(MessageTag::Progress) == kTypeCount, "a name for every tag, in tag order");

nlohmann::json body_of(const ReadyMessage& m) {
  return {{"host", m.host}, {"threads", m.threads}, {"device", m.device}};
}
nlohmann::json body_of(const AssignMessage& m) {
  return {{"run_key", m.run_key},
          {"run_name", m.run_name},
          {"config", m.config},
          {"seed", m.seed},
          {"data_file", m.data_file},
          {"sweep_instance", m.sweep_instance},
          {"checkpoint_dir", m.checkpoint_dir},
          {"lpips_weights", m.lpips_weights},
          {"resume", m.resume},
          {"device", m.device},
          {"threads", m.threads},
          {"until_epoch", m.until_epoch},
          {"runs_per_gpu", m.runs_per_gpu},
          {"stall_seconds", m.stall_seconds},
          {"inference_repeats", m.inference_repeats}};
}
nlohmann::json body_of(const EpochMessage& m) {
  return {{"run_key", m.run_key}, {"figures", epoch_to_json(m.figures)}};
}
nlohmann::json body_of(const DoneMessage& m) {
  return {{"run_key", m.run_key}, {"results", result_to_json(m.results)}};
}
nlohmann::json body_of(const FailedMessage& m) {
  return {{"run_key", m.run_key}, {"error", m.error}, {"interrupted", m.interrupted}};
}
nlohmann::json body_of(const StopMessage&) { return nlohmann::json::object(); }
nlohmann::json body_of(const NoticeMessage& m) { return {{"run_key", m.run_key}, {"kind", m.kind}, {"text", m.text}}; }
nlohmann::json body_of(const ProgressMessage& m) {
  return {{"run_key", m.run_key}, {"phase", m.phase}, {"epoch", m.epoch}, {"batch", m.batch}};
}

Message message_of(MessageTag tag, const nlohmann::json& j, const char* what) {
  switch (tag) {
    case MessageTag::Ready:
      return ReadyMessage{required_field<std::string>(j, "host", what), required_field<int64_t>(j, "threads", what),
                          required_field<std::string>(j, "device", what)};
    case MessageTag::Assign: {
      AssignMessage m;
      m.run_key = required_field<std::string>(j, "run_key", what);
      m.run_name = required_field<std::string>(j, "run_name", what);
      m.config = required_field<nlohmann::json>(j, "config", what);
      if (!m.config.is_object()) throw std::runtime_error(std::string(what) + ": field 'config' is not an object");
      m.seed = required_field<uint64_t>(j, "seed", what);
      m.data_file = required_field<std::string>(j, "data_file", what);
      m.checkpoint_dir = required_field<std::string>(j, "checkpoint_dir", what);
      m.lpips_weights = required_field<std::string>(j, "lpips_weights", what);
      m.resume = required_field<bool>(j, "resume", what);
      m.device = required_field<std::string>(j, "device", what);
      m.threads = required_field<int64_t>(j, "threads", what);
      m.until_epoch = required_field<int64_t>(j, "until_epoch", what);
      if (m.until_epoch < 0) throw std::runtime_error(std::string(what) + ": field 'until_epoch' is negative");
      m.runs_per_gpu = required_field<int64_t>(j, "runs_per_gpu", what);
      if (m.runs_per_gpu < 1) throw std::runtime_error(std::string(what) + ": field 'runs_per_gpu' is below 1");
      m.sweep_instance = required_field<std::string>(j, "sweep_instance", what);
      m.stall_seconds = required_field<double>(j, "stall_seconds", what);
      if (!(m.stall_seconds > 0))
        throw std::runtime_error(std::string(what) + ": field 'stall_seconds' is not above 0");
      m.inference_repeats = required_field<int64_t>(j, "inference_repeats", what);
      if (m.inference_repeats < 0)
        throw std::runtime_error(std::string(what) + ": field 'inference_repeats' is negative");
      return m;
    }
    case MessageTag::Epoch:
      return EpochMessage{required_field<std::string>(j, "run_key", what),
                          epoch_from_json(required_field<nlohmann::json>(j, "figures", what))};
    case MessageTag::Done:
      return DoneMessage{required_field<std::string>(j, "run_key", what),
                         result_from_json(required_field<nlohmann::json>(j, "results", what))};
    case MessageTag::Failed:
      return FailedMessage{required_field<std::string>(j, "run_key", what),
                           required_field<std::string>(j, "error", what), required_field<bool>(j, "interrupted", what)};
    case MessageTag::Notice:
      return NoticeMessage{required_field<std::string>(j, "run_key", what),
                           required_field<std::string>(j, "kind", what), required_field<std::string>(j, "text", what)};
    case MessageTag::Progress:
      return ProgressMessage{required_field<std::string>(j, "run_key", what),
                             required_field<std::string>(j, "phase", what), required_field<int64_t>(j, "epoch", what),
                             required_field<int64_t>(j, "batch", what)};
    case MessageTag::Stop:
      break;
  }
  return StopMessage{};
}

// The protocol's name and version: a sender that names another version is refused before its fields
// are read (they may differ); one that names none is refused once its fields have been checked.
void check_version(const nlohmann::json& j, const std::string& what, bool fields_read) {
  const auto name = j.find("protocol");
  const auto version = j.find("version");
  const bool named = name != j.end() && version != j.end();
  if (named && (*name != kProtocolName || *version != kProtocolVersion))
    throw ProtocolVersionError(
        fmt::format("{}: protocol {} version {}, this build speaks {} version {} (ranks of "
                    "different builds?)",
                    what, name->dump(), version->dump(), kProtocolName, kProtocolVersion));
  if (!named && fields_read)
    throw ProtocolVersionError(fmt::format("{}: no protocol name and version (a rank of an older build?)", what));
}
}  // namespace

int message_tag(const Message& message) {
  return std::visit([](const auto& m) { return static_cast<int>(m.kTag); }, message);
}

const char* message_type_name(int tag) { return tag >= 1 && tag <= kTypeCount ? kTypeNames[tag - 1] : "unknown"; }

std::string encode_message(const Message& message) {
  return std::visit(
      [](const auto& m) {
        nlohmann::json j = body_of(m);
        j["protocol"] = kProtocolName;
        j["version"] = kProtocolVersion;
        return j.dump();
      },
      message);
}

Message decode_message(int tag, std::string_view bytes, int source_rank) {
  if (tag < 1 || tag > kTypeCount)
    throw ProtocolError(fmt::format("malformed message from rank {}: unknown type tag {}", source_rank, tag),
                        source_rank);
  const std::string what = fmt::format("malformed {} message from rank {}", message_type_name(tag), source_rank);
  nlohmann::json j = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw ProtocolError(what + ": not valid JSON", source_rank);
  if (!j.is_object()) throw ProtocolError(what + ": not a JSON object", source_rank);
  try {
    check_version(j, what, false);
    Message message = message_of(static_cast<MessageTag>(tag), j, what.c_str());
    check_version(j, what, true);
    return message;
  } catch (const ProtocolVersionError& e) {
    throw ProtocolVersionError(e.what(), source_rank);
  } catch (const std::exception& e) {
    const std::string message = e.what();  // nested fields name their own part; prefix the sender
    throw ProtocolError(message.rfind(what, 0) == 0 ? message : what + ": " + message, source_rank);
  }
}

}  // namespace bokeh::common
