// The U-Net's modules as ONNX nodes, mirroring UNetImpl::forward (training/unet.cpp).
#include "reports/onnx/unet_onnx.h"

#include <fmt/format.h>

#include <variant>
#include <vector>

#include "reports/tables/report_error.h"

namespace bokeh::reports {
namespace {

namespace nn = torch::nn;

ReportInputError unknown_module(const std::string& path, const std::string& what) {
  return ReportInputError(fmt::format("the ONNX exporter cannot write module {} ({}): not a U-Net of this build",
                                      path.empty() ? "<root>" : path, what));
}

std::shared_ptr<nn::Module> child(nn::Module& parent, const std::string& path, const std::string& name) {
  const auto children = parent.named_children();
  if (!children.contains(name)) throw unknown_module(path, "it has no " + name);
  return children[name];
}

std::vector<int64_t> pair(const torch::ExpandingArray<2>& values) { return {(*values)[0], (*values)[1]}; }

// Conv or ConvTranspose with the module's kernel, strides, dilations, zero padding and groups.
template <typename ConvImpl>
std::string add_conv(OnnxGraph& graph, const ConvImpl& conv, const std::string& op, const std::string& path,
                     const std::string& x) {
  const auto& o = conv.options;
  const auto* padding = std::get_if<torch::ExpandingArray<2>>(&o.padding());
  if (padding == nullptr || !std::holds_alternative<torch::enumtype::kZeros>(o.padding_mode()))
    throw unknown_module(path, "a padding other than explicit zeros");
  const std::vector<int64_t> pads = pair(*padding);
  std::vector<std::string> inputs{x, graph.weight(path + ".weight", conv.weight)};
  if (conv.bias.defined()) inputs.push_back(graph.weight(path + ".bias", conv.bias));
  std::vector<onnx::AttributeProto> attributes{
      ints_attribute("kernel_shape", pair(o.kernel_size())), ints_attribute("strides", pair(o.stride())),
      ints_attribute("dilations", pair(o.dilation())), ints_attribute("pads", {pads[0], pads[1], pads[0], pads[1]}),
      int_attribute("group", o.groups())};
  if (o.transposed()) attributes.push_back(ints_attribute("output_padding", pair(o.output_padding())));
  return graph.node(op, inputs, attributes);
}

std::string add_batch_norm(OnnxGraph& graph, const nn::BatchNorm2dImpl& norm, const std::string& path,
                           const std::string& x) {
  if (!norm.options.track_running_stats()) throw unknown_module(path, "a BatchNorm without running statistics");
  const int64_t channels = norm.options.num_features();
  const torch::Tensor scale = norm.options.affine() ? norm.weight : torch::ones({channels});
  const torch::Tensor shift = norm.options.affine() ? norm.bias : torch::zeros({channels});
  return graph.node(
      "BatchNormalization",
      {x, graph.weight(path + ".weight", scale), graph.weight(path + ".bias", shift),
       graph.weight(path + ".running_mean", norm.running_mean), graph.weight(path + ".running_var", norm.running_var)},
      {float_attribute("epsilon", static_cast<float>(norm.options.eps()))});
}

// A Sequential's convs, batch norms and ReLUs in order (`path`: the Sequential's own).
std::string add_sequential(OnnxGraph& graph, nn::Module& layers, const std::string& path, std::string x) {
  for (const auto& item : layers.named_children()) {
    const std::shared_ptr<nn::Module>& layer = item.value();
    const std::string layer_path = path + "." + item.key();
    if (const auto* conv = layer->as<nn::Conv2dImpl>()) {
      x = add_conv(graph, *conv, "Conv", layer_path, x);
    } else if (const auto* norm = layer->as<nn::BatchNorm2dImpl>()) {
      x = add_batch_norm(graph, *norm, layer_path, x);
    } else if (layer->as<nn::ReLUImpl>() != nullptr) {
      x = graph.node("Relu", {x});
    } else {
      throw unknown_module(layer_path, layer->name());
    }
  }
  return x;
}

// A ConvBlock: its Sequential "layers".
std::string add_block(OnnxGraph& graph, nn::Module& block, const std::string& path, const std::string& x) {
  return add_sequential(graph, *child(block, path, "layers"), path + ".layers", x);
}

// An AttentionGate (training/unet.h): skip · sigmoid(psi(relu(gate(up) + skip(skip)))).
std::string add_attention_gate(OnnxGraph& graph, nn::Module& gate, const std::string& path, const std::string& up,
                               const std::string& skip) {
  const std::string sum = graph.node("Add", {add_sequential(graph, *child(gate, path, "gate"), path + ".gate", up),
                                             add_sequential(graph, *child(gate, path, "skip"), path + ".skip", skip)});
  const std::string psi = add_sequential(graph, *child(gate, path, "psi"), path + ".psi", graph.node("Relu", {sum}));
  return graph.node("Mul", {skip, graph.node("Sigmoid", {psi})});  // (N, 1, H, W) broadcast over the maps
}

// Zero-pads `up` on each side by half of its difference to `skip` in height and width (the odd pixel
// at the bottom/right), from their shapes at run time: pad_to_match in training/unet.cpp.
std::string add_pad_to_match(OnnxGraph& graph, const std::string& up, const std::string& skip) {
  const std::string skip_hw = graph.node("Shape", {skip}, {int_attribute("start", 2)});  // [H, W]
  const std::string up_hw = graph.node("Shape", {up}, {int_attribute("start", 2)});
  const std::string missing = graph.node("Sub", {skip_hw, up_hw});
  const std::string before = graph.node("Div", {missing, graph.int64s({2, 2})});
  const std::string after = graph.node("Sub", {missing, before});
  const std::string none = graph.int64s({0, 0});  // batch and channels
  const std::string pads = graph.node("Concat", {none, before, none, after}, {int_attribute("axis", 0)});
  return graph.node("Pad", {up, pads});
}

std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>> list_items(nn::Module& net, const std::string& name) {
  std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>> items;
  for (const auto& item : child(net, "", name)->named_children())
    items.emplace_back(name + "." + item.key(), item.value());
  return items;
}

}  // namespace

void add_unet(OnnxGraph& graph, nn::Module& net, const std::string& input, const std::string& output) {
  const auto encoders = list_items(net, "encoders");
  const auto upconvs = list_items(net, "upconvs");
  const auto decoders = list_items(net, "decoders");
  const bool attention = net.named_children().contains("gates");
  const auto gates = attention ? list_items(net, "gates") : decltype(decoders){};
  if (encoders.empty() || upconvs.size() + 1 != encoders.size() || decoders.size() != upconvs.size() ||
      (attention && gates.size() != decoders.size()))
    throw unknown_module("", "its encoders, upconvs, decoders (and gates) do not make U-Net levels");
  std::string x = input;
  std::vector<std::string> skips;  // encoder outputs, shallowest first
  for (size_t level = 0; level < encoders.size(); ++level) {
    if (level > 0)
      x = graph.node("MaxPool", {x}, {ints_attribute("kernel_shape", {2, 2}), ints_attribute("strides", {2, 2})});
    x = add_block(graph, *encoders[level].second, encoders[level].first, x);
    skips.push_back(x);
  }
  for (size_t i = 0; i < upconvs.size(); ++i) {
    const auto* upconv = upconvs[i].second->as<nn::ConvTranspose2dImpl>();
    if (upconv == nullptr) throw unknown_module(upconvs[i].first, upconvs[i].second->name());
    const std::string& skip = skips[skips.size() - 2 - i];
    const std::string up =
        add_pad_to_match(graph, add_conv(graph, *upconv, "ConvTranspose", upconvs[i].first, x), skip);
    const std::string gated = attention ? add_attention_gate(graph, *gates[i].second, gates[i].first, up, skip) : skip;
    x = add_block(graph, *decoders[i].second, decoders[i].first,
                  graph.node("Concat", {up, gated}, {int_attribute("axis", 1)}));
  }
  const auto* head = child(net, "", "head")->as<nn::Conv2dImpl>();
  if (head == nullptr) throw unknown_module("head", child(net, "", "head")->name());
  graph.node("Sigmoid", {add_conv(graph, *head, "Conv", "head", x)}, {}, output);
}

}  // namespace bokeh::reports
