// The ONNX graph builder: initializers from tensors, nodes, attributes.
#include "reports/onnx/onnx_graph.h"

namespace bokeh::reports {

namespace {
onnx::AttributeProto attribute_of(const std::string& name, onnx::AttributeProto::AttributeType type) {
  onnx::AttributeProto attribute;
  attribute.set_name(name);
  attribute.set_type(type);
  return attribute;
}
}  // namespace

onnx::AttributeProto int_attribute(const std::string& name, int64_t value) {
  onnx::AttributeProto attribute = attribute_of(name, onnx::AttributeProto::INT);
  attribute.set_i(value);
  return attribute;
}

onnx::AttributeProto ints_attribute(const std::string& name, const std::vector<int64_t>& values) {
  onnx::AttributeProto attribute = attribute_of(name, onnx::AttributeProto::INTS);
  for (int64_t v : values) attribute.add_ints(v);
  return attribute;
}

onnx::AttributeProto float_attribute(const std::string& name, float value) {
  onnx::AttributeProto attribute = attribute_of(name, onnx::AttributeProto::FLOAT);
  attribute.set_f(value);
  return attribute;
}

std::string OnnxGraph::weight(const std::string& name, const torch::Tensor& tensor) {
  const torch::Tensor values = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  onnx::TensorProto* initializer = graph_.add_initializer();
  initializer->set_name(name);
  initializer->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t size : values.sizes()) initializer->add_dims(size);
  // Little-endian, as ONNX's raw data.
  initializer->set_raw_data(std::string(reinterpret_cast<const char*>(values.data_ptr<float>()),
                                        static_cast<size_t>(values.numel()) * sizeof(float)));
  return name;
}

std::string OnnxGraph::int64s(const std::vector<int64_t>& values) {
  onnx::TensorProto* initializer = graph_.add_initializer();
  initializer->set_name("const_" + std::to_string(next_++));
  initializer->set_data_type(onnx::TensorProto::INT64);
  initializer->add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) initializer->add_int64_data(v);
  return initializer->name();
}

std::string OnnxGraph::node(const std::string& op, const std::vector<std::string>& inputs,
                            const std::vector<onnx::AttributeProto>& attributes, const std::string& output) {
  onnx::NodeProto* added = graph_.add_node();
  const int64_t number = next_++;
  added->set_op_type(op);
  added->set_name(op + "_" + std::to_string(number));
  for (const std::string& input : inputs) added->add_input(input);
  for (const onnx::AttributeProto& attribute : attributes) *added->add_attribute() = attribute;
  added->add_output(output.empty() ? added->name() + "_out" : output);
  return added->output(0);
}

}  // namespace bokeh::reports
