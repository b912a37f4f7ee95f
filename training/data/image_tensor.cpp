// Images as tensors (image_tensor.h).
#include "training/data/image_tensor.h"

namespace bokeh::training {

torch::Tensor image_to_tensor(const Image& image) {
  auto hwc = torch::from_blob(const_cast<uint8_t*>(image.rgb.data()), {image.height, image.width, 3}, torch::kUInt8);
  return hwc.permute({2, 0, 1}).to(torch::kFloat32).div_(255.0f).contiguous();
}

Image tensor_to_image(const torch::Tensor& chw) {
  TORCH_CHECK(chw.dim() == 3 && chw.size(0) == 3, "expected a (3, H, W) tensor");
  auto hwc = chw.detach()
                 .to(torch::kCPU, torch::kFloat32)
                 .clamp(0, 1)
                 .mul(255.0f)
                 .round()
                 .to(torch::kUInt8)
                 .permute({1, 2, 0})
                 .contiguous();
  Image image{chw.size(2), chw.size(1), {}};
  image.rgb.assign(hwc.data_ptr<uint8_t>(), hwc.data_ptr<uint8_t>() + hwc.numel());
  return image;
}

}  // namespace bokeh::training
