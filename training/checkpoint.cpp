// Saving and loading last.pt / best.pt through torch's archives: each file is the archive followed
// by a 24-byte trailer (magic, archive length, content hash), written atomically; loading checks the
// trailer before torch reads a byte. Every torch failure becomes an error that names the file.
#include "training/checkpoint.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/content_hash.h"
#include "common/model_arch.h"
#include "training/models.h"

namespace bokeh::training {

namespace fs = std::filesystem;
using torch::serialize::InputArchive;
using torch::serialize::OutputArchive;

namespace {

constexpr const char* kCheckpointFormat = "bokeh-sweep checkpoint 1";
constexpr const char* kWeightsFormat = "bokeh-sweep weights 1";
// The fields of EpochFigures: the first 7 in declaration order, then its validation figures in
// kValidationFigures' order; an empty one is NaN. A last.pt written before the validation metrics has only
// the first 7 columns, one written before the focus figures 11 (val_l1 ... val_lpips): their epochs lack the rest.
constexpr int64_t kHistoryColumnsBeforeMetrics = 7;
constexpr int64_t kHistoryColumnsBeforeFocus = 11;
constexpr int64_t kHistoryColumns =
    kHistoryColumnsBeforeMetrics + static_cast<int64_t>(std::size(common::kValidationFigures));

constexpr char kTrailerMagic[8] = {'B', 'K', 'S', 'W', 'S', 'U', 'M', '1'};
constexpr size_t kTrailerBytes = 24;  // magic, archive length (uint64), content hash (uint64)

// The archive, its trailer appended, written atomically (with `previous`: the old file kept under that name).
void write_archive(OutputArchive& archive, const fs::path& file, const fs::path& previous = {}) {
  std::ostringstream stream;
  try {
    archive.save_to(stream);
  } catch (const c10::Error& e) {
    throw std::runtime_error(fmt::format("cannot serialise {}: {}", file.string(), e.what_without_backtrace()));
  }
  std::string bytes = stream.str();
  const uint64_t length = bytes.size(), hash = common::hash_text(bytes);
  bytes.append(kTrailerMagic, sizeof kTrailerMagic);
  bytes.append(reinterpret_cast<const char*>(&length), sizeof length);
  bytes.append(reinterpret_cast<const char*>(&hash), sizeof hash);
  common::write_file_atomically(file, bytes, previous);
}

// The archive bytes of `file` once its trailer vouches for them; CorruptCheckpoint otherwise.
std::string verified_bytes(const fs::path& file, const char* what) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) throw std::runtime_error(fmt::format("cannot read {} {}", what, file.string()));
  if (bytes.size() < kTrailerBytes || std::memcmp(bytes.data() + bytes.size() - kTrailerBytes, kTrailerMagic, 8) != 0)
    throw CorruptCheckpoint(fmt::format("{} {} is corrupt: no checksum trailer (truncated, or not a bokeh-sweep {})",
                                        what, file.string(), what));
  uint64_t length = 0, hash = 0;
  std::memcpy(&length, bytes.data() + bytes.size() - 16, 8);
  std::memcpy(&hash, bytes.data() + bytes.size() - 8, 8);
  bytes.resize(bytes.size() - kTrailerBytes);
  if (length != bytes.size())
    throw CorruptCheckpoint(fmt::format("{} {} is corrupt: {} bytes before its trailer, which says {}", what,
                                        file.string(), bytes.size(), length));
  if (common::hash_text(bytes) != hash)
    throw CorruptCheckpoint(
        fmt::format("{} {} is corrupt: its contents do not match their checksum", what, file.string()));
  return bytes;
}

// Opens `file` and checks its format tag; c10 errors become runtime_errors naming the file.
template <typename Body>
auto read_archive(const fs::path& file, const char* format, const char* what, const torch::Device& device, Body body) {
  if (!fs::exists(file)) throw std::runtime_error(fmt::format("{} {} does not exist", what, file.string()));
  std::istringstream bytes(verified_bytes(file, what));
  try {
    InputArchive archive;
    archive.load_from(bytes, device);
    c10::IValue tag;
    if (!archive.try_read("format", tag) || !tag.isString() || tag.toStringRef() != format)
      throw std::runtime_error(fmt::format("{} is not a bokeh-sweep {} (no '{}' tag)", file.string(), what, format));
    return body(archive);
  } catch (const c10::Error& e) {
    throw std::runtime_error(fmt::format("{} {} is unreadable (truncated or not a bokeh-sweep {}): {}", what,
                                         file.string(), what, e.what_without_backtrace()));
  }
}

double read_double(InputArchive& archive, const char* key) {
  c10::IValue value;
  archive.read(key, value);
  return value.toDouble();
}

int64_t read_int(InputArchive& archive, const char* key) {
  c10::IValue value;
  archive.read(key, value);
  return value.toInt();
}

// history: (E, kHistoryColumns) float64, one row per epoch.
torch::Tensor history_tensor(const std::vector<common::EpochFigures>& history) {
  auto table = torch::empty({static_cast<int64_t>(history.size()), kHistoryColumns}, torch::kFloat64);
  auto rows = table.accessor<double, 2>();
  for (size_t i = 0; i < history.size(); ++i) {
    const common::EpochFigures& f = history[i];
    const double row[kHistoryColumnsBeforeMetrics] = {
        static_cast<double>(f.epoch), f.train_loss, f.val_loss, f.gap, f.lr, f.seconds, f.images_per_second};
    for (int64_t c = 0; c < kHistoryColumnsBeforeMetrics; ++c) rows[i][c] = row[c];
    for (int64_t m = 0; m < kHistoryColumns - kHistoryColumnsBeforeMetrics; ++m)
      rows[i][kHistoryColumnsBeforeMetrics + m] = (f.*common::kValidationFigures[m].second).value_or(std::nan(""));
  }
  return table;
}

std::vector<common::EpochFigures> history_from(const torch::Tensor& tensor, const fs::path& file) {
  if (tensor.dim() != 2 || tensor.scalar_type() != torch::kFloat64 ||
      (tensor.size(1) != kHistoryColumns && tensor.size(1) != kHistoryColumnsBeforeFocus &&
       tensor.size(1) != kHistoryColumnsBeforeMetrics))
    throw std::runtime_error(fmt::format("checkpoint {} holds a malformed epoch history", file.string()));
  const auto table = tensor.cpu();
  auto rows = table.accessor<double, 2>();
  std::vector<common::EpochFigures> history;
  for (int64_t i = 0; i < table.size(0); ++i) {
    common::EpochFigures f{
        static_cast<int64_t>(rows[i][0]), rows[i][1], rows[i][2], rows[i][3], rows[i][4], rows[i][5], rows[i][6]};
    for (int64_t m = 0; m < table.size(1) - kHistoryColumnsBeforeMetrics; ++m) {
      const double value = rows[i][kHistoryColumnsBeforeMetrics + m];
      if (!std::isnan(value)) f.*common::kValidationFigures[m].second = value;
    }
    history.push_back(f);
  }
  return history;
}

// The model a file holds, as written beside its weights.
void write_descriptor(OutputArchive& archive, const common::ModelConfig& model) {
  archive.write("model_descriptor", c10::IValue(common::model_descriptor(model).dump()));
}

// The descriptor a file holds; nullopt when it has none (written before descriptors).
std::optional<nlohmann::json> read_descriptor(InputArchive& archive, const fs::path& file) {
  c10::IValue text;
  if (!archive.try_read("model_descriptor", text)) return std::nullopt;
  nlohmann::json descriptor = nlohmann::json::parse(text.toStringRef(), nullptr, /*allow_exceptions=*/false);
  if (!descriptor.is_object())
    throw std::runtime_error(fmt::format("{} holds a malformed model descriptor", file.string()));
  return descriptor;
}

// Refuses a file holding another model than `model`, naming both.
void check_model(const nlohmann::json& held, const common::ModelConfig& model, const fs::path& file, const char* what) {
  const nlohmann::json want = common::model_descriptor(model);
  if (held != want)
    throw std::runtime_error(fmt::format("{} {} holds a {}; this run's model is a {}", what, file.string(),
                                         common::describe_model(held), common::describe_model(want)));
}

}  // namespace

void save_checkpoint(const fs::path& file, const std::string& fingerprint, const BokehNetImpl& model,
                     const torch::optim::Optimizer& optimizer, const TrainingState& state, const fs::path& previous,
                     const std::string& owner) {
  OutputArchive archive;
  archive.write("format", c10::IValue(std::string(kCheckpointFormat)));
  archive.write("fingerprint", c10::IValue(fingerprint));
  archive.write("owner", c10::IValue(owner));
  write_descriptor(archive, model.config());
  OutputArchive model_archive, optimizer_archive;
  model.save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("epoch", c10::IValue(state.epoch));
  archive.write("best_epoch", c10::IValue(state.best_epoch));
  archive.write("best_val_loss", c10::IValue(state.best_val_loss));
  archive.write("lr", c10::IValue(state.lr));
  archive.write("scheduler_best", c10::IValue(state.scheduler.best));
  archive.write("scheduler_num_bad_epochs", c10::IValue(state.scheduler.num_bad_epochs));
  archive.write("scheduler_cooldown_counter", c10::IValue(state.scheduler.cooldown_counter));
  archive.write("scheduler_last_epoch", c10::IValue(state.scheduler.last_epoch));
  archive.write("scaler_scale", c10::IValue(state.scaler.scale));
  archive.write("scaler_growth_tracker", c10::IValue(state.scaler.growth_tracker));
  archive.write("runtime_seconds", c10::IValue(state.runtime_seconds));
  archive.write("train_phase_seconds", c10::IValue(state.train_phase_seconds));
  archive.write("history", history_tensor(state.history));
  write_archive(archive, file, previous);
}

TrainingState load_checkpoint(const fs::path& file, const std::string& fingerprint, BokehNetImpl& model,
                              torch::optim::Optimizer& optimizer, const torch::Device& device,
                              const std::string& owner) {
  return read_archive(file, kCheckpointFormat, "checkpoint", device, [&](InputArchive& archive) {
    c10::IValue saved_owner;
    const std::string written_by =
        archive.try_read("owner", saved_owner) && saved_owner.isString() ? saved_owner.toStringRef() : "";
    if (written_by != owner)
      throw ForeignCheckpoint(
          fmt::format("checkpoint {} belongs to another sweep or other data: it was written by [{}], "
                      "this run is [{}]",
                      file.string(), written_by.empty() ? "no owner" : written_by, owner));
    c10::IValue saved_fingerprint;
    archive.read("fingerprint", saved_fingerprint);
    if (saved_fingerprint.toStringRef() != fingerprint)
      throw ForeignCheckpoint(
          fmt::format("checkpoint {} belongs to another run: it was written for [{}], this run is [{}]", file.string(),
                      saved_fingerprint.toStringRef(), fingerprint));
    if (const std::optional<nlohmann::json> held = read_descriptor(archive, file))
      check_model(*held, model.config(), file, "checkpoint");
    InputArchive model_archive, optimizer_archive;
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    model.load(model_archive);
    optimizer.load(optimizer_archive);
    TrainingState state;
    state.epoch = read_int(archive, "epoch");
    state.best_epoch = read_int(archive, "best_epoch");
    state.best_val_loss = read_double(archive, "best_val_loss");
    state.lr = read_double(archive, "lr");
    state.scheduler.best = read_double(archive, "scheduler_best");
    state.scheduler.num_bad_epochs = read_int(archive, "scheduler_num_bad_epochs");
    state.scheduler.cooldown_counter = read_int(archive, "scheduler_cooldown_counter");
    state.scheduler.last_epoch = read_int(archive, "scheduler_last_epoch");
    state.scaler.scale = read_double(archive, "scaler_scale");
    state.scaler.growth_tracker = read_int(archive, "scaler_growth_tracker");
    state.runtime_seconds = read_double(archive, "runtime_seconds");
    state.train_phase_seconds = read_double(archive, "train_phase_seconds");
    torch::Tensor history;
    archive.read("history", history);
    state.history = history_from(history, file);
    if (static_cast<int64_t>(state.history.size()) != state.epoch)
      throw std::runtime_error(fmt::format("checkpoint {} is inconsistent: epoch {} but {} history rows", file.string(),
                                           state.epoch, state.history.size()));
    return state;
  });
}

void save_weights(const fs::path& file, const BokehNet& model) {
  OutputArchive archive, model_archive;
  archive.write("format", c10::IValue(std::string(kWeightsFormat)));
  write_descriptor(archive, model->config());
  model->save(model_archive);
  archive.write("model", model_archive);
  write_archive(archive, file);
}

void load_weights(const fs::path& file, BokehNet model, const torch::Device& device) {
  read_archive(file, kWeightsFormat, "weights file", device, [&](InputArchive& archive) {
    std::optional<nlohmann::json> held = read_descriptor(archive, file);
    if (!held) {  // written before descriptors: a U-Net, its shape in three keys
      c10::IValue batch_norm;
      archive.read("batch_norm", batch_norm);
      held = {{"arch", "unet"},
              {"width", read_int(archive, "width")},
              {"depth", read_int(archive, "depth")},
              {"batch_norm", batch_norm.toBool()}};
    }
    check_model(*held, model->config(), file, "weights file");
    InputArchive model_archive;
    archive.read("model", model_archive);
    model->load(model_archive);
    return 0;
  });
}

BokehNet load_best_model(const fs::path& checkpoint_dir, const common::ModelConfig& config) {
  BokehNet model = make_model(config);
  load_weights(checkpoint_dir / common::kBestWeights, model, torch::kCPU);
  model->eval();
  return model;
}

}  // namespace bokeh::training
