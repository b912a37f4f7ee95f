// What the house knows of a model architecture without building it (no libtorch): per arch (the run
// setting model.arch) its size and cost from the run's model settings, the input sides it needs, how
// far a pixel's output reaches (render's tiles), the spec's size check, its table columns, and the
// descriptor that names its shape in checkpoints and fingerprints. One facts file per arch
// (common/unet_facts.cpp); the registry (common/model_arch.cpp) lists them. The torch side of an arch
// (its module and constructor) is training/models.h.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/run_config.h"

namespace bokeh::common {

// A model setting a table shows as its own column: the header and the setting's dotted path (the cell
// is the run's value: Y/N for a boolean, the number otherwise).
struct ModelColumn {
  std::string header;   // "Width"
  std::string setting;  // "model.width"
};

// Why data of some size cannot feed a model: the setting at fault and the rest of the sentence after
// "<setting> is <value> but ", e.g. "data is 8x8: its 3 halvings need both sides >= 8".
struct SizeProblem {
  std::string setting;
  std::string reason;
};

// A named part of a model and its trainable parameters ("encoder 2", "level 5", "head").
struct ModelPart {
  std::string name;
  int64_t parameters = 0;
};

class ModelFacts {
 public:
  virtual ~ModelFacts() = default;
  virtual std::string name() const = 0;   // model.arch's value: "unet"
  virtual std::string title() const = 0;  // in messages: "U-Net"
  // The model.* settings it is built from, in the order its fingerprint lists them.
  virtual std::vector<std::string> settings() const = 0;
  // Its name and size in a one-line message: "U-Net width 32, depth 3".
  virtual std::string shape(const ModelConfig& config) const = 0;
  // Trainable parameters of the built model (exact).
  virtual int64_t parameters(const ModelConfig& config) const = 0;
  // The same, part by part in the order the network runs them (their sum is parameters()).
  virtual std::vector<ModelPart> parameter_parts(const ModelConfig& config) const = 0;
  // Forward-pass FLOPs for one height x width image.
  virtual double forward_flops(const ModelConfig& config, int64_t height, int64_t width) const = 0;
  // Input sides must be multiples of this (render pads up to it).
  virtual int64_t pooling_factor(const ModelConfig& config) const = 0;
  // How many input pixels away an output pixel can see (render's tile overlap).
  virtual int64_t receptive_radius(const ModelConfig& config) const = 0;
  // Why height x width data cannot train it, or nullopt when it can.
  virtual std::optional<SizeProblem> size_problem(const ModelConfig& config, int64_t height, int64_t width) const = 0;
  // Its columns in Tables 1 and 2, in their order.
  virtual std::vector<ModelColumn> columns() const = 0;
};

// Every arch, the default (model.arch's default) first.
const std::vector<const ModelFacts*>& model_archs();

// The arch named `name`, or of config.arch; std::invalid_argument naming the known ones otherwise.
const ModelFacts& model_facts(const std::string& name);
const ModelFacts& model_facts(const ModelConfig& config);

// The model part of a checkpoint: {"arch": "unet", "batch_norm": true, "depth": 3, "width": 32}: the arch
// and every setting it is built from, keyed by the setting's name after "model.", and "input_channels"
// where it is not 3 (a depth model's; RGB descriptors stay as they were written).
nlohmann::json model_descriptor(const ModelConfig& config);

// A descriptor in words: "U-Net width 32, depth 3, batch norm true" (an unknown arch by its name).
std::string describe_model(const nlohmann::json& descriptor);

// The model's part of a run's fingerprint: its settings' values ("32 3 true"), after the arch's name
// unless it is the default arch (so fingerprints written before model.arch existed still match).
std::string model_fingerprint(const ModelConfig& config);

// Why `levels` levels (levels - 1 halvings) do not fit height x width data, or nullopt: the reason of
// a SizeProblem ("data is 8x8: its 3 halvings need both sides >= 8").
std::optional<std::string> halving_problem(int64_t levels, int64_t height, int64_t width);

// The model columns a table of runs of these archs shows: "Arch" (model.arch) first when more than one
// arch appears, then each arch's columns in order of first appearance, each header once.
std::vector<ModelColumn> table_model_columns(const std::vector<const ModelFacts*>& archs);

}  // namespace bokeh::common
