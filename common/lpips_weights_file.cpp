// Reading and validating the LPIPS weights file (see lpips_weights_file.h); no libtorch.
#include "common/lpips_weights_file.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the LPIPS weights reader assumes a little-endian host");

namespace bokeh::common {

namespace {
constexpr size_t kMagicSize = sizeof(kLpipsWeightsMagic) - 1;
constexpr uint32_t kMaxNameLength = 256;
constexpr uint32_t kMaxDims = 8;

std::string shape_string(const std::vector<int64_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

// Sequential, bounds-checked reads from the weights file; every failure names the file.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_ || std::filesystem::is_directory(path))
      throw std::runtime_error(path.string() + ": cannot open LPIPS weights file");
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

void check_values(const Reader& reader, const std::string& name, const std::vector<float>& values) {
  const bool lin = name.rfind("lin", 0) == 0;
  for (float v : values) {
    if (!std::isfinite(v)) throw reader.error("tensor " + name + " holds non-finite values");
    if (lin && v < 0)
      throw reader.error("tensor " + name + " has negative weights (LPIPS lin weights are non-negative)");
  }
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

LpipsWeightValues read_lpips_weight_values(const std::filesystem::path& path) {
  std::map<std::string, std::vector<int64_t>> expected;
  for (const auto& spec : lpips_tensor_specs()) expected[spec.name] = spec.shape;

  Reader reader(path);
  char magic[kMagicSize];
  reader.read(magic, kMagicSize, "the header");
  if (std::memcmp(magic, kLpipsWeightsMagic, kMagicSize) != 0)
    throw reader.error("not an LPIPS weights file (bad magic; write one with tools/export_lpips_weights.py)");
  const auto count = reader.value<uint32_t>("the tensor count");

  LpipsWeightValues tensors;
  for (uint32_t i = 0; i < count; ++i) {
    const std::string entry = "tensor #" + std::to_string(i);
    const auto name_length = reader.value<uint32_t>(entry + " name length");
    if (name_length > kMaxNameLength)
      throw reader.error(entry + " has a corrupt name length " + std::to_string(name_length));
    std::string name(name_length, '\0');
    reader.read(name.data(), name_length, entry + " name");
    const auto wanted = expected.find(name);
    if (wanted == expected.end()) throw reader.error("unknown tensor '" + name + "'");
    if (tensors.count(name) != 0) throw reader.error("tensor " + name + " appears twice");

    const auto ndim = reader.value<uint32_t>(name + " ndim");
    if (ndim > kMaxDims) throw reader.error("tensor " + name + " has a corrupt ndim " + std::to_string(ndim));
    std::vector<int64_t> dims(ndim);
    for (auto& d : dims) d = reader.value<int64_t>(name + " dims");
    if (dims != wanted->second)
      throw reader.error("tensor " + name + " has shape " + shape_string(dims) + ", expected " +
                         shape_string(wanted->second));

    int64_t numel = 1;
    for (int64_t d : dims) numel *= d;
    std::vector<float> values(static_cast<size_t>(numel));
    reader.read(values.data(), values.size() * sizeof(float), name + " data");
    check_values(reader, name, values);
    tensors.emplace(name, std::move(values));
  }
  if (reader.remaining() != 0) throw reader.error("unexpected data after the last tensor");
  for (const auto& spec : lpips_tensor_specs())
    if (tensors.count(spec.name) == 0) throw reader.error("missing tensor " + spec.name);
  return tensors;
}

}  // namespace bokeh::common
