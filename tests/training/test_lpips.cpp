// LPIPS 'alex' v0.1 with a random weights file of the test's own: the file format as documented,
// a plain-loop reference of the definition, properties, and the loader's errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "training/lpips.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using bokeh::test::TempDir;
using bokeh::training::Lpips;

namespace {
// The documented format, written field by field (independent of save_lpips_weights).
void write_documented_format(const fs::path& path, const bokeh::training::LpipsTensors& tensors) {
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.put(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto i64 = [&](int64_t v) {
    for (int i = 0; i < 8; ++i) out.put(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
  };
  out << "BOKEHLPIPS1\n";
  u32(static_cast<uint32_t>(tensors.size()));
  for (const auto& [name, value] : tensors) {
    u32(static_cast<uint32_t>(name.size()));
    out << name;
    u32(static_cast<uint32_t>(value.dim()));
    for (int64_t d : value.sizes()) i64(d);
    const auto flat = value.contiguous();
    for (int64_t i = 0; i < flat.numel(); ++i) {
      uint32_t bits;
      const float f = flat.data_ptr<float>()[i];
      std::memcpy(&bits, &f, 4);
      u32(bits);
    }
  }
}

// ---- plain-loop reference of the definition, in double ----
struct Map {
  int64_t c, h, w;
  std::vector<double> v;
  double& at(int64_t ch, int64_t y, int64_t x) { return v[(ch * h + y) * w + x]; }
  double at(int64_t ch, int64_t y, int64_t x) const { return v[(ch * h + y) * w + x]; }
};

const torch::Tensor& find(const bokeh::training::LpipsTensors& weights, const std::string& name) {
  for (const auto& [key, value] : weights)
    if (key == name) return value;
  throw std::runtime_error("no " + name);
}

Map conv_relu(const Map& in, const torch::Tensor& weight, const torch::Tensor& bias, int64_t stride, int64_t pad) {
  const auto w = weight.to(torch::kFloat64).contiguous();
  const auto b = bias.to(torch::kFloat64).contiguous();
  const int64_t out_c = w.size(0), k = w.size(2);
  const double* pw = w.data_ptr<double>();
  Map out{out_c, (in.h + 2 * pad - k) / stride + 1, (in.w + 2 * pad - k) / stride + 1, {}};
  out.v.assign(out.c * out.h * out.w, 0.0);
  for (int64_t o = 0; o < out.c; ++o)
    for (int64_t y = 0; y < out.h; ++y)
      for (int64_t x = 0; x < out.w; ++x) {
        double sum = b.data_ptr<double>()[o];
        for (int64_t i = 0; i < in.c; ++i)
          for (int64_t u = 0; u < k; ++u)
            for (int64_t v = 0; v < k; ++v) {
              const int64_t yy = y * stride - pad + u, xx = x * stride - pad + v;
              if (yy >= 0 && yy < in.h && xx >= 0 && xx < in.w)
                sum += pw[((o * in.c + i) * k + u) * k + v] * in.at(i, yy, xx);
            }
        out.at(o, y, x) = std::max(sum, 0.0);
      }
  return out;
}

Map max_pool(const Map& in) {  // 3x3, stride 2, no padding
  Map out{in.c, (in.h - 3) / 2 + 1, (in.w - 3) / 2 + 1, {}};
  out.v.assign(out.c * out.h * out.w, 0.0);
  for (int64_t c = 0; c < out.c; ++c)
    for (int64_t y = 0; y < out.h; ++y)
      for (int64_t x = 0; x < out.w; ++x) {
        double m = -1e300;
        for (int64_t u = 0; u < 3; ++u)
          for (int64_t v = 0; v < 3; ++v) m = std::max(m, in.at(c, 2 * y + u, 2 * x + v));
        out.at(c, y, x) = m;
      }
  return out;
}

std::vector<Map> alexnet_taps(const torch::Tensor& image_chw, const bokeh::training::LpipsTensors& weights) {
  const double shift[3] = {-0.030, -0.088, -0.188}, scale[3] = {0.458, 0.448, 0.450};
  const auto img = image_chw.to(torch::kFloat64).contiguous();
  Map x{3, img.size(1), img.size(2), {}};
  x.v.resize(3 * x.h * x.w);
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t i = 0; i < x.h * x.w; ++i)
      x.v[c * x.h * x.w + i] = (img.data_ptr<double>()[c * x.h * x.w + i] * 2 - 1 - shift[c]) / scale[c];
  std::vector<Map> taps;
  taps.push_back(conv_relu(x, find(weights, "features.0.weight"), find(weights, "features.0.bias"), 4, 2));
  taps.push_back(
      conv_relu(max_pool(taps[0]), find(weights, "features.3.weight"), find(weights, "features.3.bias"), 1, 2));
  taps.push_back(
      conv_relu(max_pool(taps[1]), find(weights, "features.6.weight"), find(weights, "features.6.bias"), 1, 1));
  taps.push_back(conv_relu(taps[2], find(weights, "features.8.weight"), find(weights, "features.8.bias"), 1, 1));
  taps.push_back(conv_relu(taps[3], find(weights, "features.10.weight"), find(weights, "features.10.bias"), 1, 1));
  return taps;
}

double reference_lpips(const torch::Tensor& a, const torch::Tensor& b, const bokeh::training::LpipsTensors& weights) {
  const auto ta = alexnet_taps(a, weights), tb = alexnet_taps(b, weights);
  double total = 0;
  for (size_t t = 0; t < 5; ++t) {
    const auto lin = find(weights, "lin" + std::to_string(t) + ".model.1.weight").to(torch::kFloat64).contiguous();
    double layer = 0;
    for (int64_t y = 0; y < ta[t].h; ++y)
      for (int64_t x = 0; x < ta[t].w; ++x) {
        double na = 0, nb = 0;
        for (int64_t c = 0; c < ta[t].c; ++c)
          na += ta[t].at(c, y, x) * ta[t].at(c, y, x), nb += tb[t].at(c, y, x) * tb[t].at(c, y, x);
        na = std::sqrt(na) + 1e-10, nb = std::sqrt(nb) + 1e-10;
        for (int64_t c = 0; c < ta[t].c; ++c) {
          const double d = ta[t].at(c, y, x) / na - tb[t].at(c, y, x) / nb;
          layer += lin.data_ptr<double>()[c] * d * d;
        }
      }
    total += layer / (ta[t].h * ta[t].w);
  }
  return total;
}
}  // namespace

TEST_CASE("LPIPS from a file in the documented format equals a plain-loop reference of the definition", "[lpips]") {
  TempDir dir;
  const auto weights = bokeh::training::random_lpips_weights(11);
  write_documented_format(dir.path() / "alex.bin", weights);
  Lpips net(dir.path() / "alex.bin");
  torch::manual_seed(12);
  const auto a = torch::rand({2, 3, 63, 71});
  const auto b = (a + 0.2 * torch::randn({2, 3, 63, 71})).clamp(0, 1);
  torch::NoGradGuard no_grad;
  const auto values = net->forward(a, b);
  REQUIRE(values.sizes() == torch::IntArrayRef({2}));
  for (int64_t i = 0; i < 2; ++i)
    CHECK(values[i].item<double>() == Approx(reference_lpips(a[i], b[i], weights)).epsilon(1e-4));
  // the smallest accepted size (relu5 is 1x1)
  const auto c = torch::rand({1, 3, 31, 31}), d = torch::rand({1, 3, 31, 31});
  CHECK(net->forward(c, d).item<double>() == Approx(reference_lpips(c[0], d[0], weights)).epsilon(1e-4));
  CHECK_THROWS_WITH(net->forward(torch::rand({1, 3, 30, 40}), torch::rand({1, 3, 30, 40})),
                    Catch::Contains("at least 31x31"));
}

TEST_CASE("LPIPS: zero for identical images, symmetric, growing with distortion", "[lpips]") {
  TempDir dir;
  const auto saved = bokeh::training::random_lpips_weights(21);
  bokeh::training::save_lpips_weights(dir.path() / "w.bin", saved);
  Lpips net(dir.path() / "w.bin");
  auto parameters = net->named_parameters();
  for (const auto& [name, value] : saved) {
    std::string key = name;
    std::replace(key.begin(), key.end(), '.', '_');
    CHECK(torch::equal(parameters[key], value));  // save/load round trip
  }
  CHECK(torch::equal(bokeh::training::random_lpips_weights(21)[0].second, saved[0].second));
  CHECK_FALSE(torch::equal(bokeh::training::random_lpips_weights(22)[0].second, saved[0].second));
  torch::NoGradGuard no_grad;
  torch::manual_seed(22);
  const auto x = torch::rand({2, 3, 48, 48});
  CHECK(net->forward(x, x).abs().max().item<double>() == 0.0);
  const auto noise = torch::randn({2, 3, 48, 48});
  std::vector<double> distances;
  for (double sigma : {0.02, 0.05, 0.1, 0.2, 0.4}) {
    const auto y = (x + sigma * noise).clamp(0, 1);
    const auto forward = net->forward(x, y), backward = net->forward(y, x);
    CHECK(torch::allclose(forward, backward, 1e-5, 1e-7));
    distances.push_back(forward.mean().item<double>());
  }
  for (size_t i = 1; i < distances.size(); ++i) CHECK(distances[i] > distances[i - 1]);
  CHECK(distances.front() > 0.0);
}

TEST_CASE("LPIPS weights are frozen, movable parameters, gradients reach the images", "[lpips]") {
  TempDir dir;
  write_documented_format(dir.path() / "w.bin", bokeh::training::random_lpips_weights(31));
  Lpips net(dir.path() / "w.bin");
  CHECK(net->parameters().size() == 15);
  for (const auto& p : net->parameters()) CHECK_FALSE(p.requires_grad());
  net->to(torch::kCPU, torch::kFloat32);
  torch::manual_seed(32);
  const auto target = torch::rand({1, 3, 40, 40});
  auto pred = torch::rand({1, 3, 40, 40}).requires_grad_(true);
  net->forward(pred, target).sum().backward();
  REQUIRE(pred.grad().defined());
  CHECK(torch::isfinite(pred.grad()).all().item<bool>());
  CHECK(pred.grad().abs().sum().item<double>() > 0);
  // identical images: a finite (zero) gradient, even where features are all zero
  auto same = target.clone().requires_grad_(true);
  net->forward(same, target).sum().backward();
  CHECK(torch::isfinite(same.grad()).all().item<bool>());
}

TEST_CASE("LPIPS weights file errors name the file and the tensor", "[lpips]") {
  TempDir dir;
  const auto weights = bokeh::training::random_lpips_weights(41);
  const auto good = dir.path() / "good.bin";
  write_documented_format(good, weights);
  const auto size = fs::file_size(good);

  CHECK_THROWS_WITH(Lpips(dir.path() / "absent.bin"), Catch::Contains("absent.bin") && Catch::Contains("cannot open"));

  const auto foreign = dir.path() / "foreign.bin";
  std::ofstream(foreign) << "GIF89a this is not a weights file at all";
  CHECK_THROWS_WITH(Lpips(foreign), Catch::Contains("foreign.bin") && Catch::Contains("bad magic"));

  for (uintmax_t cut : {uintmax_t{5}, uintmax_t{14}, uintmax_t{40}, size / 2, size - 1}) {
    const auto truncated = dir.path() / ("cut" + std::to_string(cut) + ".bin");
    fs::copy_file(good, truncated);
    fs::resize_file(truncated, cut);
    CHECK_THROWS_WITH(Lpips(truncated), Catch::Contains(truncated.string()) && Catch::Contains("truncated"));
  }
  const auto trailing = dir.path() / "trailing.bin";
  fs::copy_file(good, trailing);
  std::ofstream(trailing, std::ios::app | std::ios::binary) << "xx";
  CHECK_THROWS_WITH(Lpips(trailing), Catch::Contains("after the last tensor"));

  auto reshaped = weights;
  reshaped[2].second = torch::zeros({192, 64, 3, 3});  // features.3.weight should be 5x5
  write_documented_format(dir.path() / "shape.bin", reshaped);
  CHECK_THROWS_WITH(Lpips(dir.path() / "shape.bin"), Catch::Contains("shape.bin") &&
                                                         Catch::Contains("features.3.weight") &&
                                                         Catch::Contains("expected"));

  auto missing = weights;
  missing.pop_back();
  write_documented_format(dir.path() / "missing.bin", missing);
  CHECK_THROWS_WITH(Lpips(dir.path() / "missing.bin"), Catch::Contains("missing tensor lin4.model.1.weight"));

  auto negative = weights;
  negative[10].second = -negative[10].second - 0.1;
  write_documented_format(dir.path() / "negative.bin", negative);
  CHECK_THROWS_WITH(Lpips(dir.path() / "negative.bin"),
                    Catch::Contains("lin0.model.1.weight") && Catch::Contains("negative"));

  auto renamed = weights;
  renamed[0].first = "net.slice1.0.weight";
  write_documented_format(dir.path() / "renamed.bin", renamed);
  CHECK_THROWS_WITH(Lpips(dir.path() / "renamed.bin"), Catch::Contains("unknown tensor 'net.slice1.0.weight'"));
}
