// LPIPS 'alex' v0.1: the weights file reader/writer and the forward pass (see lpips.h).
#include "worker/lpips.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the LPIPS weights reader assumes a little-endian host");

namespace bokeh::worker {

namespace {
constexpr char kMagic[] = "BOKEHLPIPS1\n";
constexpr size_t kMagicSize = sizeof(kMagic) - 1;
constexpr uint32_t kMaxNameLength = 256;
constexpr uint32_t kMaxDims = 8;

// AlexNet features convs: (stride, padding); max-pool 3/2 precedes taps 1 and 2.
constexpr int64_t kStride[5] = {4, 1, 1, 1, 1};
constexpr int64_t kPadding[5] = {2, 2, 1, 1, 1};
constexpr int kFeatureIndex[5] = {0, 3, 6, 8, 10};
// The scaling layer, applied to inputs mapped to [-1, 1].
constexpr double kShift[3] = {-0.030, -0.088, -0.188};
constexpr double kScale[3] = {0.458, 0.448, 0.450};
constexpr double kNormEps = 1e-10;

std::string shape_string(const std::vector<int64_t>& dims) { return c10::str(torch::IntArrayRef(dims)); }

// Sequential, bounds-checked reads from the weights file; every failure names the file.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) throw std::runtime_error(path.string() + ": cannot open LPIPS weights file");
    in_.seekg(0, std::ios::end);
    remaining_ = static_cast<uint64_t>(in_.tellg());
    in_.seekg(0, std::ios::beg);
  }
  void read(void* destination, uint64_t bytes, const std::string& what) {
    if (bytes > remaining_) throw error("truncated while reading " + what);
    in_.read(static_cast<char*>(destination), static_cast<std::streamsize>(bytes));
    if (!in_) throw error("read failed at " + what);
    remaining_ -= bytes;
  }
  template <typename T>
  T value(const std::string& what) {
    T v;
    read(&v, sizeof(T), what);
    return v;
  }
  uint64_t remaining() const { return remaining_; }
  std::runtime_error error(const std::string& message) const {
    return std::runtime_error(path_.string() + ": " + message);
  }

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  uint64_t remaining_ = 0;
};

// Reads and validates every tensor; the result holds each spec'd name once, shaped as specified.
std::map<std::string, torch::Tensor> read_weights(const std::filesystem::path& path) {
  std::map<std::string, std::vector<int64_t>> expected;
  for (const auto& spec : lpips_tensor_specs()) expected[spec.name] = spec.shape;

  Reader reader(path);
  char magic[kMagicSize];
  reader.read(magic, kMagicSize, "the header");
  if (std::memcmp(magic, kMagic, kMagicSize) != 0)
    throw reader.error("not an LPIPS weights file (bad magic; write one with tools/export_lpips_weights.py)");
  const auto count = reader.value<uint32_t>("the tensor count");

  std::map<std::string, torch::Tensor> tensors;
  for (uint32_t i = 0; i < count; ++i) {
    const std::string entry = fmt::format("tensor #{}", i);
    const auto name_length = reader.value<uint32_t>(entry + " name length");
    if (name_length > kMaxNameLength) throw reader.error(fmt::format("{} has a corrupt name length {}", entry, name_length));
    std::string name(name_length, '\0');
    reader.read(name.data(), name_length, entry + " name");
    const auto wanted = expected.find(name);
    if (wanted == expected.end()) throw reader.error("unknown tensor '" + name + "'");
    if (tensors.count(name) != 0) throw reader.error("tensor " + name + " appears twice");

    const auto ndim = reader.value<uint32_t>(name + " ndim");
    if (ndim > kMaxDims) throw reader.error(fmt::format("tensor {} has a corrupt ndim {}", name, ndim));
    std::vector<int64_t> dims(ndim);
    for (auto& d : dims) d = reader.value<int64_t>(name + " dims");
    if (dims != wanted->second)
      throw reader.error(fmt::format("tensor {} has shape {}, expected {}", name, shape_string(dims),
                                     shape_string(wanted->second)));

    auto tensor = torch::empty(dims, torch::kFloat32);
    reader.read(tensor.data_ptr<float>(), static_cast<uint64_t>(tensor.numel()) * sizeof(float), name + " data");
    if (!torch::isfinite(tensor).all().item<bool>()) throw reader.error("tensor " + name + " holds non-finite values");
    if (name.rfind("lin", 0) == 0 && (tensor < 0).any().item<bool>())
      throw reader.error("tensor " + name + " has negative weights (LPIPS lin weights are non-negative)");
    tensors.emplace(name, tensor);
  }
  if (reader.remaining() != 0) throw reader.error("unexpected data after the last tensor");
  for (const auto& spec : lpips_tensor_specs())
    if (tensors.count(spec.name) == 0) throw reader.error("missing tensor " + spec.name);
  return tensors;
}

// x: (N, C, h, w) ReLU features -> x / (||x||_channels + eps), with a zero (not NaN) gradient
// through the norm where all channels are zero.
torch::Tensor unit_normalise(const torch::Tensor& x) {
  const auto squares = x.pow(2).sum(1, /*keepdim=*/true);  // (N, 1, h, w)
  const auto positive = squares > 0;
  const auto norm = torch::where(positive, torch::where(positive, squares, 1.0).sqrt(), 0.0);
  return x / (norm + kNormEps);
}
}  // namespace

const std::vector<LpipsTensorSpec>& lpips_tensor_specs() {
  static const std::vector<LpipsTensorSpec> specs = {
      {"features.0.weight", {64, 3, 11, 11}},   {"features.0.bias", {64}},
      {"features.3.weight", {192, 64, 5, 5}},   {"features.3.bias", {192}},
      {"features.6.weight", {384, 192, 3, 3}},  {"features.6.bias", {384}},
      {"features.8.weight", {256, 384, 3, 3}},  {"features.8.bias", {256}},
      {"features.10.weight", {256, 256, 3, 3}}, {"features.10.bias", {256}},
      {"lin0.model.1.weight", {1, 64, 1, 1}},   {"lin1.model.1.weight", {1, 192, 1, 1}},
      {"lin2.model.1.weight", {1, 384, 1, 1}},  {"lin3.model.1.weight", {1, 256, 1, 1}},
      {"lin4.model.1.weight", {1, 256, 1, 1}},
  };
  return specs;
}

void save_lpips_weights(const std::filesystem::path& path, const LpipsTensors& tensors) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(path.string() + ": cannot create LPIPS weights file");
  auto put = [&out](const void* data, size_t bytes) { out.write(static_cast<const char*>(data), bytes); };
  put(kMagic, kMagicSize);
  const auto count = static_cast<uint32_t>(tensors.size());
  put(&count, sizeof count);
  for (const auto& [name, tensor] : tensors) {
    const auto name_length = static_cast<uint32_t>(name.size());
    put(&name_length, sizeof name_length);
    put(name.data(), name.size());
    const auto ndim = static_cast<uint32_t>(tensor.dim());
    put(&ndim, sizeof ndim);
    for (int64_t d : tensor.sizes()) put(&d, sizeof d);
    const auto data = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    put(data.data_ptr<float>(), static_cast<size_t>(data.numel()) * sizeof(float));
  }
  out.close();
  if (!out) throw std::runtime_error(path.string() + ": cannot write LPIPS weights file");
}

LpipsTensors random_lpips_weights(uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  LpipsTensors tensors;
  for (const auto& spec : lpips_tensor_specs()) {
    torch::Tensor t;
    if (spec.name.rfind("lin", 0) == 0) {
      t = torch::rand(spec.shape, generator) * 0.1;
    } else if (spec.shape.size() == 1) {
      t = torch::randn(spec.shape, generator) * 0.05;
    } else {
      const double fan_in = static_cast<double>(spec.shape[1] * spec.shape[2] * spec.shape[3]);
      t = torch::randn(spec.shape, generator) * std::sqrt(2.0 / fan_in);
    }
    tensors.emplace_back(spec.name, t);
  }
  return tensors;
}

LpipsImpl::LpipsImpl(const std::filesystem::path& weights_file) : weights_file_(weights_file) {
  auto tensors = read_weights(weights_file);
  auto parameter = [&](const std::string& name) {
    std::string registered = name;
    std::replace(registered.begin(), registered.end(), '.', '_');
    return register_parameter(registered, tensors.at(name), /*requires_grad=*/false);
  };
  for (int tap = 0; tap < 5; ++tap) {
    conv_weights_.push_back(parameter(fmt::format("features.{}.weight", kFeatureIndex[tap])));
    conv_biases_.push_back(parameter(fmt::format("features.{}.bias", kFeatureIndex[tap])));
    lin_weights_.push_back(parameter(fmt::format("lin{}.model.1.weight", tap)));
  }
  eval();
}

torch::Tensor LpipsImpl::forward(const torch::Tensor& a, const torch::Tensor& b) const {
  if (a.dim() != 4 || a.size(1) != 3 || a.sizes() != b.sizes())
    throw std::invalid_argument(fmt::format("lpips: expected two (B, 3, H, W) tensors of one shape, got {} and {}",
                                            c10::str(a.sizes()), c10::str(b.sizes())));
  if (a.size(2) < kLpipsMinSide || a.size(3) < kLpipsMinSide)
    throw std::invalid_argument(fmt::format("lpips: images must be at least {0}x{0}, got {1}x{2}", kLpipsMinSide,
                                            a.size(3), a.size(2)));
  const int64_t batch = a.size(0);
  const auto options = conv_weights_[0].options();
  const auto shift = torch::tensor({kShift[0], kShift[1], kShift[2]}, options).view({1, 3, 1, 1});
  const auto scale = torch::tensor({kScale[0], kScale[1], kScale[2]}, options).view({1, 3, 1, 1});

  // x: (2B, 3, H, W), both images through one pass
  auto x = (torch::cat({a, b}, 0).to(options.dtype()) * 2.0 - 1.0 - shift) / scale;
  torch::Tensor total;
  for (int tap = 0; tap < 5; ++tap) {
    if (tap == 1 || tap == 2) x = torch::max_pool2d(x, 3, 2);
    x = torch::relu(torch::conv2d(x, conv_weights_[tap], conv_biases_[tap], kStride[tap], kPadding[tap]));
    const auto unit = unit_normalise(x).split(batch, 0);                        // 2 x (B, C, h, w)
    const auto difference = (unit[0] - unit[1]).pow(2);                        // (B, C, h, w)
    const auto score = torch::conv2d(difference, lin_weights_[tap]).mean({1, 2, 3});  // (B,)
    total = tap == 0 ? score : total + score;
  }
  return total;
}

}  // namespace bokeh::worker
