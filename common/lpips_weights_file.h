// The LPIPS 'alex' v0.1 weights file (training/lpips.h uses it), read and validated without libtorch so
// that a sweep spec can check the file it names before anything starts.
//
// Format (all integers and floats little-endian):
//   magic   12 bytes   "BOKEHLPIPS1\n"
//   count   uint32     number of tensors that follow (15)
//   count times:
//     name_len uint32, name: name_len bytes of ASCII (no terminator)
//     ndim     uint32, dims: ndim x int64
//     data     prod(dims) x float32, row-major (PyTorch's contiguous layout)
// Tensors, in any order, each exactly once (lpips_tensor_specs() lists names and shapes):
//   features.{0,3,6,8,10}.{weight,bias}   torchvision alexnet().features convs
//   lin{0..4}.model.1.weight              LPIPS's 1x1 lin convs, (1, C, 1, 1), all >= 0
// tools/export_lpips_weights.py writes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bokeh::common {

// The file's first bytes.
inline constexpr char kLpipsWeightsMagic[] = "BOKEHLPIPS1\n";

struct LpipsTensorSpec {
  std::string name;
  std::vector<int64_t> shape;
};

// The 15 tensors a weights file holds, with their shapes.
const std::vector<LpipsTensorSpec>& lpips_tensor_specs();

// name -> the tensor's values, row-major, shaped as lpips_tensor_specs() says.
using LpipsWeightValues = std::map<std::string, std::vector<float>>;

// Reads and validates a weights file. Throws std::runtime_error naming the file (and the tensor)
// when it is missing, foreign, truncated, has trailing bytes, lacks a tensor, holds an unknown or
// repeated one, a wrong shape, a non-finite value or a negative lin weight.
LpipsWeightValues read_lpips_weight_values(const std::filesystem::path& path);

}  // namespace bokeh::common
