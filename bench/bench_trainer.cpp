// `bench_trainer`: our side of bench/train_throughput and the profile of a training step.
//   prepare     builds a synthetic prepared-data cache (worker PreparedData::prepare) and prints its path
//   throughput  worker train_run for 2 epochs on that cache (epoch 1 warms up), of any model.arch; prints JSON with
//               epoch 2's images/s and whole-epoch seconds (TrainResult history, timed by the trainer
//               itself; --no-val-metrics: validation without the per-image metrics); on a GPU
//               (--device cuda) at a precision, layout and cuDNN autotuning setting, with the peak
//               GPU memory held in tensors
//   profile     where a step's time goes (batch, forward, loss, backward, optimizer), evaluation under
//               NoGradGuard vs InferenceMode, and the 2x2 stride-2 transposed conv vs a 1x1 conv to
//               4*C channels + pixel_shuffle at each decoder level of the config
#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include "training/bokeh_loss.h"
#include "training/data/batches.h"
#include "training/device_memory.h"
#include "training/trainer.h"
#include "training/unet.h"

using namespace bokeh::training;
using namespace bokeh::common;

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Options {
  std::string data, out = "bench-data", trace, device = "cpu", precision = "fp32", layout = "auto", autotune = "auto",
                    arch = "unet";
  std::vector<std::string> runs;  // throughput of several configs in one process: "W,D,B,PRECISION[,LAYOUT[,AUTOTUNE]]"
  int64_t size = 128, height = 0, train_pairs = 24, width = 64, depth = 4, batch = 4, steps = 6, threads = 2, reps = 5;
  bool no_bn = false, augment = false, step_only = false, no_val_metrics = false;
  double lr = 2e-4;
};

TrainConfig train_config(const Options& o) {
  TrainConfig c;
  c.model = {o.width, o.depth, !o.no_bn, o.arch};
  c.loss.lpips = 0.0;
  c.lr = o.lr;
  c.batch_size = o.batch;
  c.epochs = 2;
  c.seed = 1;
  c.precision = o.precision;
  return c;
}

// Synthetic pairs rendered at size x size, resized to height x size: train_pairs train, 4 validation, 4 test.
void prepare(const Options& o) {
  DataConfig d;
  d.width = d.synthetic.size = o.size;
  d.height = o.height > 0 ? o.height : o.size;
  d.train_pairs = o.train_pairs;
  d.val_pairs = d.test_pairs = 4;
  d.synthetic.count = d.test_pairs + std::max(d.train_pairs * 5 / 4, d.val_pairs * 5) + 8;
  std::cout << PreparedData::prepare(d, o.out)->file().string() << "\n";
}

// "auto" follows the worker (`worker_default`), else "on" / "off".
bool chosen(const std::string& setting, bool worker_default) {
  return setting == "auto" ? worker_default : setting == "on";
}

// --layout: channels_last unless "off" (the worker's layout on every device).
torch::MemoryFormat memory_format(const Options& o) {
  return chosen(o.layout, true) ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
}

void throughput(const Options& o) {
  const auto data = PreparedData::open(o.data);
  const TrainConfig config = train_config(o);
  TrainOptions options;
  options.device = torch::Device(o.device);
  options.memory_format = memory_format(o);
  options.validation_metrics = !o.no_val_metrics;
  const bool channels_last = options.memory_format == torch::MemoryFormat::ChannelsLast;
  const bool autotune = chosen(o.autotune, options.device.is_cuda());
  at::globalContext().setBenchmarkCuDNN(autotune);
  reset_peak_memory(options.device);
  const TrainResult r = train_run(config, *data, options);
  const double warm = r.history.at(1).images_per_second;
  const auto peak = peak_allocated_bytes(options.device);
  // The loss of the inputs taken as the prediction, on train pairs 0-3: the baseline prints the same
  // figure, so that the two loss implementations can be compared without a model.
  const Batch batch = make_batch(*data, Split::train, {0, 1, 2, 3}, false, 1, 1);
  const double check =
      BokehLoss(config.loss, Lpips{nullptr})(batch.input, batch.target, batch.input).total.item<double>();
  std::cout << fmt::format(
      "{{\"images_per_second\": {:.4f}, \"cold_images_per_second\": {:.4f}, \"seconds_per_step\": {:.4f}, "
      "\"epoch_seconds\": {:.4f}, \"val_metrics\": {}, "
      "\"threads\": {}, \"parameters\": {}, \"loss_check\": {:.7f}, \"device\": \"{}\", \"precision\": \"{}\", "
      "\"channels_last\": {}, \"cudnn_benchmark\": {}, \"tf32_convolutions\": {}, \"peak_memory_mib\": {}}}\n",
      warm, r.history.at(0).images_per_second, static_cast<double>(o.batch) / warm, r.history.at(1).seconds,
      options.validation_metrics, at::get_num_threads(), r.parameters, check, options.device.str(), config.precision,
      channels_last, autotune, at::globalContext().allowTF32CuDNN(),
      peak ? fmt::format("{:.1f}", static_cast<double>(*peak) / 1048576.0) : std::string("null"));
}

// o with one --runs entry "W,D,B,PRECISION[,LAYOUT[,AUTOTUNE]]" applied.
Options with_run(Options o, const std::string& run) {
  std::vector<std::string> f;
  std::stringstream in(run);
  for (std::string part; std::getline(in, part, ',');) f.push_back(part);
  if (f.size() < 4 || f.size() > 6)
    throw std::invalid_argument("--runs entry \"" + run + "\" is not W,D,B,PRECISION[,LAYOUT[,AUTOTUNE]]");
  o.width = std::stoll(f[0]), o.depth = std::stoll(f[1]), o.batch = std::stoll(f[2]), o.precision = f[3];
  if (f.size() > 4) o.layout = f[4];
  if (f.size() > 5) o.autotune = f[5];
  return o;
}

// Mean seconds of fn over reps calls, after one warm-up call.
double timed(int64_t reps, const std::function<void()>& fn) {
  fn();
  const auto start = Clock::now();
  for (int64_t i = 0; i < reps; ++i) fn();
  return seconds_since(start) / static_cast<double>(reps);
}

void profile_step(const Options& o, const PreparedData& data) {
  const TrainConfig config = train_config(o);
  torch::manual_seed(1);
  UNet model(config.model);
  const torch::MemoryFormat format = memory_format(o);
  lay_out(model, format);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(config.lr));
  const BokehLoss loss(config.loss, Lpips{nullptr});
  const int64_t n = data.size(Split::train);
  double parts[5] = {0, 0, 0, 0, 0};                              // batch, forward, loss, backward, optimizer
  std::optional<torch::autograd::profiler::RecordProfile> trace;  // chrome://tracing file of every op
  if (!o.trace.empty()) trace.emplace(o.trace);
  for (int64_t step = 0; step <= o.steps; ++step) {  // step 0 warms up and is not counted
    std::vector<int64_t> rows;
    for (int64_t b = 0; b < o.batch; ++b) rows.push_back((step * o.batch + b) % n);
    auto t = Clock::now();
    double now[5];
    Batch batch = make_batch(data, Split::train, rows, o.augment, 1, step);
    batch.input = batch.input.contiguous(format), batch.target = batch.target.contiguous(format);
    now[0] = seconds_since(t), t = Clock::now();
    optimizer.zero_grad();
    const auto prediction = model->forward(batch.input);
    now[1] = seconds_since(t), t = Clock::now();
    const LossTerms terms = loss(prediction, batch.target, batch.input);
    now[2] = seconds_since(t), t = Clock::now();
    terms.total.backward();
    now[3] = seconds_since(t), t = Clock::now();
    optimizer.step();
    now[4] = seconds_since(t);
    if (step > 0)
      for (int i = 0; i < 5; ++i) parts[i] += now[i] / static_cast<double>(o.steps);
  }
  trace.reset();
  double step = 0;
  for (double p : parts) step += p;
  std::cout << fmt::format("step ({},{}) {}x{} batch {}{}{} at {} threads: {:.4f} s\n", o.width, o.depth, data.height(),
                           data.width(), o.batch, o.augment ? " augmented" : "",
                           format == torch::MemoryFormat::ChannelsLast ? " channels_last" : " NCHW",
                           at::get_num_threads(), step);
  const char* names[5] = {"make_batch", "forward", "loss (forward)", "backward (model + loss)", "optimizer step"};
  for (int i = 0; i < 5; ++i)
    std::cout << fmt::format("  {:<24} {:8.4f} s  {:5.1f}%\n", names[i], parts[i], 100.0 * parts[i] / step);

  std::cout << fmt::format(
      "{{\"step_s\": {:.5f}, \"make_batch_s\": {:.6f}, \"data_wait_share\": {:.5f}, "
      "\"loss_share\": {:.4f}}}\n",
      step, parts[0], parts[0] / step, parts[2] / step);
  if (o.step_only) return;
  model->eval();
  const torch::Tensor input = make_batch(data, Split::train, {0, 1, 2, 3}, false, 1, 1).input.contiguous(format);
  const double no_grad = timed(o.reps, [&] {
    torch::NoGradGuard g;
    model->forward(input);
  });
  const double inference = timed(o.reps, [&] {
    c10::InferenceMode g;
    model->forward(input);
  });
  std::cout << fmt::format("eval forward (batch 4): NoGradGuard {:.4f} s, InferenceMode {:.4f} s (ratio {:.3f})\n",
                           no_grad, inference, no_grad / inference);
}

// Forward + backward of ConvTranspose2d(in, out, 2, stride 2) against the same weights as a 1x1
// conv to 4*out channels and pixel_shuffle(2), at each decoder level of the config.
void profile_upconv(const Options& o) {
  int64_t in = o.width << (o.depth - 1), side = o.size >> (o.depth - 1);
  for (int64_t level = o.depth - 2; level >= 0; --level, side *= 2) {
    const int64_t out = o.width << level;
    torch::nn::ConvTranspose2d up(torch::nn::ConvTranspose2dOptions(in, out, 2).stride(2));
    // weight (in, out, 2, 2) -> (out * 4, in, 1, 1) with channel o*4 + dy*2 + dx, pixel_shuffle's order
    auto w = up->weight.detach().permute({1, 2, 3, 0}).reshape({out * 4, in, 1, 1}).contiguous().requires_grad_();
    auto bias = up->bias.detach().repeat_interleave(4).requires_grad_();
    auto x = torch::rand({o.batch, in, side, side}).requires_grad_();
    auto shuffled = [&] { return torch::pixel_shuffle(torch::conv2d(x, w, bias), 2); };
    const double diff = (up->forward(x) - shuffled()).abs().max().item<double>();
    const double transposed = timed(o.reps, [&] { up->forward(x).sum().backward(); });
    const double pointwise = timed(o.reps, [&] { shuffled().sum().backward(); });
    std::cout << fmt::format(
        "upconv {}->{} at {}x{} batch {}: transposed {:.4f} s, 1x1+pixel_shuffle {:.4f} s (fwd+bwd; "
        "speedup {:.2f}x, max |diff| {:.1e})\n",
        in, out, side, side, o.batch, transposed, pointwise, transposed / pointwise, diff);
    in = out;
  }
}
}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Our trainer's side of bench/train_throughput, and a step profile"};
  app.require_subcommand(1);
  auto* prep = app.add_subcommand("prepare", "build a synthetic prepared-data cache; print its path");
  prep->add_option("--out", o.out, "cache folder")->capture_default_str();
  prep->add_option("--size", o.size, "rendered image size (and width)")->capture_default_str();
  prep->add_option("--height", o.height, "image height (default: --size)");
  prep->add_option("--train-pairs", o.train_pairs, "train pairs")->capture_default_str();
  auto* tp = app.add_subcommand("throughput", "train_run for 2 epochs; JSON images/s of epoch 2");
  auto* pr = app.add_subcommand("profile", "step breakdown, eval guards, transposed conv vs 1x1 + pixel_shuffle");
  for (auto* sub : {tp, pr}) {
    sub->add_option("--data", o.data, "prepared-data file")->required();
    sub->add_option("--width", o.width)->capture_default_str();
    sub->add_option("--depth", o.depth)->capture_default_str();
    sub->add_flag("--no-bn", o.no_bn);
    sub->add_option("--lr", o.lr)->capture_default_str();
    sub->add_option("--batch", o.batch)->capture_default_str();
    sub->add_option("--threads", o.threads)->capture_default_str();
    sub->add_option("--layout", o.layout, "channels_last batches and weights: auto (on, as the worker), on, off")
        ->capture_default_str();
  }
  tp->add_option("--arch", o.arch, "model.arch: unet or pynet (--width alone shapes a PyNET)")->capture_default_str();
  tp->add_option("--device", o.device, "cpu, cuda, cuda:1, ...")->capture_default_str();
  tp->add_option("--precision", o.precision, "train.precision: auto, fp32, bf16, fp16")->capture_default_str();
  tp->add_option("--cudnn-benchmark", o.autotune, "cuDNN autotuning: auto (on for CUDA), on, off")
      ->capture_default_str();
  tp->add_flag("--no-val-metrics", o.no_val_metrics,
               "validation computes the loss only, not the per-image metrics (what they cost: epoch_seconds)");
  tp->add_option("--runs", o.runs, "several configs in turn, one JSON line each: W,D,B,PRECISION[,LAYOUT[,AUTOTUNE]]");
  pr->add_option("--steps", o.steps, "timed steps")->capture_default_str();
  pr->add_flag("--augment", o.augment, "flips/rot90 in make_batch (the costlier batch)");
  pr->add_flag("--step-only", o.step_only, "only the step breakdown");
  pr->add_option("--trace", o.trace, "write a chrome://tracing file of the steps' ops");
  pr->add_option("--reps", o.reps, "repetitions of the micro-benchmarks")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    at::set_num_interop_threads(1);
    at::set_num_threads(static_cast<int>(o.threads));
    if (*prep) {
      prepare(o);
    } else if (*tp) {
      if (o.runs.empty()) throughput(o);
      for (const std::string& run : o.runs) throughput(with_run(o, run));
    } else {
      const auto data = PreparedData::open(o.data);
      o.size = data->height();
      profile_step(o, *data);
      if (!o.step_only) profile_upconv(o);
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_trainer: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
