// A test's count of the FLOPs libtorch's own forward runs: every aten::convolution call seen by a
// thread-local RecordFunction callback while the counter lives, 2 per multiply-add (a transposed conv:
// every input pixel times its whole kernel) plus bias adds, as the models' facts count them
// (common/model_arch.h's forward_flops), to check those within 1%.
#pragma once

#include <ATen/record_function.h>
#include <torch/torch.h>

#include <memory>
#include <string_view>

namespace bokeh::test {

class ConvolutionFlops {
 public:
  ConvolutionFlops()
      : handle_(at::addThreadLocalCallback(
            at::RecordFunctionCallback(&on_start).needsInputs(true).scopes({at::RecordScope::FUNCTION}))) {
    total() = 0;
    calls() = 0;
  }
  ~ConvolutionFlops() { at::removeCallback(handle_); }
  double flops() const { return total(); }
  int64_t convolutions() const { return calls(); }

 private:
  static double& total() {
    static thread_local double value = 0;
    return value;
  }
  static int64_t& calls() {
    static thread_local int64_t value = 0;
    return value;
  }
  static std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction& fn) {
    if (std::string_view(fn.name()) != "aten::convolution") return nullptr;
    const auto inputs = fn.inputs();  // input, weight, bias, stride, padding, dilation, transposed, ...
    const at::Tensor input = inputs[0].toTensor(), weight = inputs[1].toTensor();
    const bool bias = !inputs[2].isNone(), transposed = inputs[6].toBool();
    const auto stride = inputs[3].toIntVector(), padding = inputs[4].toIntVector();
    double spatial_out = 1, spatial_in = 1;
    for (int d = 0; d < 2; ++d) {
      const int64_t in = input.size(2 + d), k = weight.size(2 + d);
      spatial_in *= static_cast<double>(in);
      spatial_out *= transposed ? static_cast<double>((in - 1) * stride[d] - 2 * padding[d] + k)
                                : static_cast<double>((in + 2 * padding[d] - k) / stride[d] + 1);
    }
    const double out_channels = static_cast<double>(weight.size(transposed ? 1 : 0));
    total() += static_cast<double>(input.size(0)) *
               (2.0 * static_cast<double>(weight.numel()) * (transposed ? spatial_in : spatial_out) +
                (bias ? out_channels * spatial_out : 0.0));
    ++calls();
    return nullptr;
  }
  at::CallbackHandle handle_;
};

}  // namespace bokeh::test
