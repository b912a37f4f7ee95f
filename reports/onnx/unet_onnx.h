// The U-Net (training/unet.h) as ONNX nodes: its modules walked in the order of UNetImpl::forward
// (encoder blocks with 2x2 max-pools between them; per decoder level a transposed conv, a zero pad
// of its bottom/right to the skip's size computed from the shapes at run time, concat(up, skip) and a
// block; a 1x1 head and a sigmoid), each conv, batch norm and ReLU as its own standard op.
// BatchNorm stays a BatchNormalization node in inference mode (its running statistics), not folded
// into the conv before it: the graph then holds the trained module's tensors unchanged under their
// names, and runtimes fold it themselves when they load the model (onnxruntime's basic graph
// optimizations do).
#pragma once

#include <string>

#include <torch/torch.h>

#include "reports/onnx/onnx_graph.h"

namespace bokeh::reports {

// Adds the nodes of the U-Net module `net` (in eval mode) that map the graph's value `input` (N, 3,
// H, W) to `output` (N, 3, H, W). Throws ReportInputError naming the module where `net` holds one the
// exporter does not know (it then is no U-Net of training/unet.h).
void add_unet(OnnxGraph& graph, torch::nn::Module& net, const std::string& input, const std::string& output);

}  // namespace bokeh::reports
