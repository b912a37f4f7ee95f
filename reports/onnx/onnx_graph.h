// Building an ONNX graph node by node (onnx/onnx_pb.h's GraphProto): fp32 weights and int64 constants
// as named initializers, nodes whose outputs get fresh names, and the attributes the exporter uses.
// Knows nothing of any model: the arch's exporter (unet_onnx.h) says what to add.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace bokeh::reports {

// Attributes of a node, by kind.
onnx::AttributeProto int_attribute(const std::string& name, int64_t value);
onnx::AttributeProto ints_attribute(const std::string& name, const std::vector<int64_t>& values);
onnx::AttributeProto float_attribute(const std::string& name, float value);

class OnnxGraph {
 public:
  explicit OnnxGraph(onnx::GraphProto& graph) : graph_(graph) {}

  // A tensor (any dtype, any device) as the fp32 initializer `name`; returns the name.
  std::string weight(const std::string& name, const torch::Tensor& tensor);
  // A 1-D int64 constant as an initializer with a fresh name; returns the name.
  std::string int64s(const std::vector<int64_t>& values);
  // Appends an `op` node over `inputs`; its one output is `output` when given, else a fresh name.
  // Returns the output's name.
  std::string node(const std::string& op, const std::vector<std::string>& inputs,
                   const std::vector<onnx::AttributeProto>& attributes = {}, const std::string& output = {});

 private:
  onnx::GraphProto& graph_;
  int64_t next_ = 0;  // numbers the fresh names
};

}  // namespace bokeh::reports
