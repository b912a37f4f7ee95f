// The training loop of one run: epochs of shuffled (optionally augmented) mini-batches made on the
// run's device, the forward pass at the run's precision, Adam/AdamW (fp16: with loss scaling),
// validation, the plateau scheduler, checkpoints and the final test of the best weights.
#include "training/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <torch/version.h>

#include "common/atomic_file.h"
#include "common/checkpoint_files.h"
#include "common/model_arch.h"
#include "training/bokeh_loss.h"
#include "training/checkpoint_resume.h"
#include "training/data/batches.h"
#include "training/device_memory.h"
#include "training/inference_time.h"
#include "training/loss_scaler.h"
#include "training/metric_sums.h"
#include "training/models.h"
#include "training/plateau_scheduler.h"
#include "training/precision.h"

namespace bokeh::training {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void validate(const common::TrainConfig& config, const PreparedData& data) {
  if (config.epochs < 1) throw std::invalid_argument(fmt::format("train.epochs must be >= 1, got {}", config.epochs));
  if (config.batch_size < 1)
    throw std::invalid_argument(fmt::format("train.batch_size must be >= 1, got {}", config.batch_size));
  if (!(config.lr > 0.0)) throw std::invalid_argument(fmt::format("train.lr must be > 0, got {}", config.lr));
  if (!(config.weight_decay >= 0.0))
    throw std::invalid_argument(fmt::format("train.weight_decay must be >= 0, got {}", config.weight_decay));
  for (Split split : {Split::train, Split::validation, Split::test})
    if (data.size(split) < 1)
      throw std::invalid_argument(
          fmt::format("prepared data {} has no {} pairs", data.file().string(), split_name(split)));
}

// Every setting that shapes the run's trajectory (all but `epochs`, which only says where it
// stops; the precision as resolved on this device) and the data's shape; a checkpoint is only
// resumed by a run with the same one. The data's cache key is left out: it hashes file times, which
// change when a cache is rebuilt elsewhere.
std::string run_fingerprint(const common::TrainConfig& c, Precision precision, const PreparedData& data) {
  const auto& f = c.loss.focus;
  const auto& s = c.scheduler;
  return fmt::format(
      "model {}; loss {} {} {} focus {} {} {}; scheduler {} {} {} {} {} {}; lr {} batch {} "
      "weight_decay {} augment {} seed {} precision {}; data {}x{} {}/{}/{}",
      common::model_fingerprint(c.model), c.loss.l1, c.loss.ssim, c.loss.lpips, f.levels, f.in_focus_weight,
      f.mask_scale, s.enabled, s.factor, s.patience, s.threshold, s.cooldown, s.min_lr, c.lr, c.batch_size,
      c.weight_decay, c.augment, c.seed, precision_name(precision), data.height(), data.width(),
      data.size(Split::train), data.size(Split::validation), data.size(Split::test));
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const common::TrainConfig& config,
                                                        const std::vector<torch::Tensor>& parameters) {
  if (config.weight_decay > 0.0)
    return std::make_unique<torch::optim::AdamW>(
        parameters, torch::optim::AdamWOptions(config.lr).weight_decay(config.weight_decay));
  return std::make_unique<torch::optim::Adam>(parameters, torch::optim::AdamOptions(config.lr));
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

// Before every batch: progress for the watchdog, then the stop flag.
void poll_stop(const TrainOptions& options, int64_t epoch, const char* phase, int64_t batch) {
  if (options.on_progress) options.on_progress(phase, epoch, batch);
  if (options.stop_requested && options.stop_requested())
    throw TrainingInterrupted(fmt::format("training stopped on request during epoch {}", epoch));
}

// A failure every member of a group reaches at the same step (after a collective): nobody needs to
// tell the others, so the group's steps close before it is thrown.
[[noreturn]] void fail_together(TrainingGroup* group, const std::string& error) {
  if (group) group->close();
  throw std::runtime_error(error);
}

// What every phase of one run uses.
struct Run {
  const common::TrainConfig& config;
  const TrainOptions& options;
  BokehNet& model;
  const BokehLoss& loss;
  const BatchSource& source;
  Precision precision;
};

// The model's prediction for `input` (B, 3, H, W): the forward pass under autocast at the run's
// precision, returned as fp32 so that the loss and the metrics are computed in fp32 (SSIM's
// E[x^2] - E[x]^2 would cancel away in bf16's 8-bit mantissa).
torch::Tensor predict(const Run& run, const torch::Tensor& input) {
  torch::Tensor prediction;
  {
    const AutocastGuard autocast(run.options.device, run.precision);
    prediction = run.model->forward(input);
  }
  return prediction.to(torch::kFloat32);
}

// Forward and backward of one batch: leaves its gradients (multiplied by the loss scale) in the
// model and returns the loss (a scalar tensor, detached, unscaled).
torch::Tensor forward_backward(const Run& run, const Batch& batch, const LossScaler& scaler) {
  const LossTerms terms = run.loss(predict(run, batch.input), batch.target, batch.input);
  scaler.scale(terms.total).backward();
  return terms.total.detach();
}

// A group member's part of one batch (positions [begin, end) of the epoch plan): the gradients and
// loss of its shard, weighted by the shard's share of the batch, then summed over the group, so that
// every member holds the whole batch's mean gradient and loss. A member with an empty shard
// contributes zeros.
double group_step(TrainingGroup& group, const Run& run, const EpochPlan& plan, int64_t begin, int64_t end,
                  const LossScaler& scaler) {
  const int64_t n = end - begin;
  const Shard shard = shard_of(n, group.rank(), group.size());
  const double weight = static_cast<double>(shard.size()) / static_cast<double>(n);
  torch::Tensor value = torch::zeros({1}, torch::TensorOptions().device(run.options.device));
  if (shard.size() > 0)
    value = forward_backward(run, run.source.batch(plan, begin + shard.begin, begin + shard.end), scaler).reshape({1}) *
            weight;
  std::vector<torch::Tensor> sums;
  for (auto& parameter : run.model->parameters()) {
    if (!parameter.grad().defined())
      parameter.mutable_grad() = torch::zeros_like(parameter);
    else
      parameter.mutable_grad().mul_(weight);
    sums.push_back(parameter.grad());
  }
  sums.push_back(value);
  group.sum(sums);
  return value.item<double>();
}

// The mean of one epoch's training batch losses; steps the optimizer after each batch (fp16: unless
// the loss scaler finds an inf or NaN gradient, which skips the step and lowers the scale).
double train_epoch(const Run& run, torch::optim::Optimizer& optimizer, LossScaler& scaler, int64_t epoch) {
  const common::TrainConfig& config = run.config;
  const TrainOptions& options = run.options;
  run.model->train();
  torch::AutoGradMode grad_mode(true);  // the caller may hold a NoGradGuard
  TrainingGroup* group = options.group.get();
  const int64_t n = run.source.size(Split::train);
  const EpochPlan plan = epoch_plan(n, config.augment, run.source.square(), config.seed, epoch, options.device);
  const auto parameters = run.model->parameters();
  double sum = 0.0;
  int64_t batches = 0;
  for (int64_t begin = 0; begin < n; begin += config.batch_size) {
    ++batches;
    const int64_t end = std::min(begin + config.batch_size, n);
    optimizer.zero_grad();
    double value = 0.0;
    if (group) {
      if (options.on_progress) options.on_progress("train", epoch, batches);
      if (group->check_in(options.stop_requested && options.stop_requested()))
        throw TrainingInterrupted(fmt::format("training stopped on request during epoch {}", epoch));
      value = group_step(*group, run, plan, begin, end, scaler);
    } else {
      poll_stop(options, epoch, "train", batches);
      value = forward_backward(run, run.source.batch(plan, begin, end), scaler).item<double>();
    }
    if (!std::isfinite(value))
      fail_together(group, fmt::format("non-finite loss at epoch {}, batch {}", epoch, batches));
    const bool finite_gradients = scaler.unscale(parameters);
    if (finite_gradients) optimizer.step();
    scaler.update(finite_gradients);
    sum += value;
  }
  return sum / static_cast<double>(batches);
}

// One epoch's validation: the loss and, when options.validation_metrics, the per-image metrics.
struct Validation {
  double loss;
  std::optional<common::ImageMetrics> metrics;
};

// The loss averaged over the validation pairs (each batch's mean weighted by its size) and the
// per-image metrics of the same predictions (LPIPS with a net, the focus figures under their masks), eval mode. A group
// member takes its shard of the pairs and the sums are added up over the group, so every member has the whole set's.
Validation validation_pass(const Run& run, const Lpips& lpips, int64_t epoch) {
  const TrainOptions& options = run.options;
  run.model->eval();
  torch::NoGradGuard no_grad;
  TrainingGroup* group = options.group.get();
  const int64_t n = run.source.size(Split::validation);
  const Shard mine = group ? shard_of(n, group->rank(), group->size()) : Shard{0, n};
  double sum = 0.0;
  MetricSums metrics(options.device);
  for (int64_t begin = mine.begin, b = 1; begin < mine.end; begin += run.config.batch_size, ++b) {
    if (!group)
      poll_stop(options, epoch, "validation", b);
    else if (options.on_progress)
      options.on_progress("validation", epoch, b);
    const int64_t end = std::min(begin + run.config.batch_size, mine.end);
    const Batch batch = run.source.range(Split::validation, begin, end);
    const torch::Tensor prediction = predict(run, batch.input);
    const double value = run.loss(prediction, batch.target, batch.input).total.item<double>();
    if (!group && !std::isfinite(value))
      throw std::runtime_error(fmt::format("non-finite validation loss at epoch {}, batch {}", epoch, b));
    sum += value * static_cast<double>(end - begin);
    if (options.validation_metrics)
      metrics.add(prediction, batch.target, run.source.focus_weights(Split::validation, begin, end), lpips);
  }
  if (group) {
    std::vector<torch::Tensor> totals{torch::cat(
        {torch::tensor({sum}, torch::TensorOptions().dtype(torch::kDouble)).to(options.device), metrics.sums})};
    group->sum(totals);
    sum = totals[0][0].item<double>();
    metrics.sums = totals[0].narrow(0, 1, MetricSums::kSums);
    if (!std::isfinite(sum)) fail_together(group, fmt::format("non-finite validation loss at epoch {}", epoch));
  }
  Validation validation{sum / static_cast<double>(n), std::nullopt};
  if (options.validation_metrics) validation.metrics = metrics.means(n, static_cast<bool>(lpips));
  return validation;
}

// An epoch's validation figures: the validation pass's metrics.
void set_validation_figures(common::EpochFigures& f, const common::ImageMetrics& m) {
  f.val_l1 = m.l1, f.val_psnr = m.psnr, f.val_ssim = m.ssim, f.val_lpips = m.lpips;
  f.val_fg_psnr = m.focus.fg_psnr, f.val_fg_ssim = m.focus.fg_ssim, f.val_bg_psnr = m.focus.bg_psnr;
  f.val_bg_ssim = m.focus.bg_ssim, f.val_bg_blur = m.focus.bg_blur;
}

// Per-image means of L1, PSNR, SSIM (with a net LPIPS) and the focus figures of the model on the test
// split, in fp32.
common::ImageMetrics test_metrics(const Run& run, const Lpips& lpips) {
  run.model->eval();
  torch::NoGradGuard no_grad;
  const int64_t n = run.source.size(Split::test);
  MetricSums metrics(run.options.device);
  for (int64_t begin = 0, b = 1; begin < n; begin += run.config.batch_size, ++b) {
    if (run.options.on_progress) run.options.on_progress("test", run.config.epochs, b);
    const int64_t end = std::min(begin + run.config.batch_size, n);
    const Batch batch = run.source.range(Split::test, begin, end);
    metrics.add(predict(run, batch.input), batch.target, run.source.focus_weights(Split::test, begin, end), lpips);
  }
  return metrics.means(n, static_cast<bool>(lpips));
}

// Copies of the model's parameters and buffers (the best weights when there is no checkpoint dir).
std::vector<torch::Tensor> snapshot(const BokehNet& model) {
  std::vector<torch::Tensor> tensors;
  for (const auto& t : model->parameters()) tensors.push_back(t.detach().clone());
  for (const auto& t : model->buffers()) tensors.push_back(t.detach().clone());
  return tensors;
}

void restore(BokehNet& model, const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  size_t i = 0;
  for (auto& t : model->parameters()) t.copy_(tensors[i++]);
  for (auto& t : model->buffers()) t.copy_(tensors[i++]);
}

// Whether a libtorch error is an allocation that failed: CUDA's caching allocator throws
// OutOfMemoryError, but the CPU's DefaultCPUAllocator (and oneDNN's scratch buffers) throw a plain
// c10::Error saying so, with a long C++ backtrace attached.
bool is_allocation_failure(const c10::Error& e) {
  const std::string text = e.what_without_backtrace();
  for (const char* sign :
       {"not enough memory", "can't allocate memory", "Cannot allocate memory", "out of memory", "DefaultCPUAllocator"})
    if (text.find(sign) != std::string::npos) return true;
  return false;
}

// Runs `phase` of a run; an allocation failure in it (on the GPU or the CPU, or a std::bad_alloc) becomes
// the run's one-line failure (device, batch size, phase, the run's shape, free/total memory, a hint).
template <typename Body>
auto guard_memory(const common::TrainConfig& config, const PreparedData& data, const torch::Device& device,
                  const std::string& phase, Body body) {
  const auto line = [&] {
    return out_of_memory_line(
        device, config.batch_size,
        fmt::format("{} ({} at {}x{})", phase, common::model_facts(config.model).shape(config.model), data.height(),
                    data.width()));
  };
  try {
    return body();
  } catch (const c10::OutOfMemoryError&) {
    throw OutOfMemory(line());
  } catch (const std::bad_alloc&) {
    throw OutOfMemory(line());
  } catch (const c10::Error& e) {
    if (is_allocation_failure(e)) throw OutOfMemory(line());
    throw;
  }
}

// The best weights' inference figures; none, with a notice, when the full-resolution photo does not fit
// on the device (the run keeps its results).
std::optional<common::InferenceFigures> measure_inference(const Run& run, const PreparedData& data) {
  const std::string phase =
      fmt::format("timing inference on a {}x{} photo", common::kInferenceHeight, common::kInferenceWidth);
  try {
    return guard_memory(run.config, data, run.options.device, phase, [&] {
      return time_inference(run.model, run.options.device, run.options.memory_format, run.options.inference_repeats);
    });
  } catch (const OutOfMemory& e) {
    release_cached_memory(run.options.device);
    if (run.options.on_notice) run.options.on_notice("inference", fmt::format("inference not timed: {}", e.what()));
    return std::nullopt;
  }
}

}  // namespace

void lay_out(const BokehNet& model, torch::MemoryFormat format) {
  if (format == torch::MemoryFormat::Contiguous) return;
  torch::NoGradGuard no_grad;
  for (auto& parameter : model->parameters())
    if (parameter.dim() == 4) parameter.set_data(parameter.contiguous(format));
}

common::TrainResult train_run(const common::TrainConfig& config, const PreparedData& data,
                              const TrainOptions& options) {
  validate(config, data);
  const torch::Device& device = options.device;
  const Precision precision = resolve_precision(config.precision, device);
  torch::manual_seed(config.seed);
  BokehNet model = make_model(config.model);
  model->to(device);
  lay_out(model, options.memory_format);
  auto optimizer = make_optimizer(config, model->parameters());
  PlateauScheduler scheduler(config.scheduler);
  Lpips lpips = options.lpips;
  if (lpips) lpips->to(device);
  const BokehLoss loss(config.loss, config.loss.lpips > 0.0 ? lpips : Lpips{nullptr});
  const std::string fingerprint = run_fingerprint(config, precision, data);
  const std::string owner = fmt::format("sweep {} data {:016x}", options.sweep_instance, data.checksum());
  const BatchSource source = guard_memory(config, data, device, "uploading the data",
                                          [&] { return BatchSource(data, device, options.memory_format); });
  const Run run{config, options, model, loss, source, precision};

  TrainingGroup* group = options.group.get();
  const bool checkpoints = !options.checkpoint_dir.empty();
  const bool writes_checkpoints = checkpoints && (!group || group->leader());
  const fs::path last_file = options.checkpoint_dir / common::kLastCheckpoint;
  const fs::path best_file = options.checkpoint_dir / common::kBestWeights;
  TrainingState state;
  state.lr = config.lr;
  if (checkpoints) {
    fs::create_directories(options.checkpoint_dir);
    common::remove_abandoned_temporaries(options.checkpoint_dir);  // a checkpoint a killed attempt was writing
    if (std::optional<TrainingState> resumed = resume_checkpoint(options.checkpoint_dir, fingerprint, owner, *model,
                                                                 *optimizer, options.device, options.on_notice)) {
      state = std::move(*resumed);
      lay_out(model, options.memory_format);
      if (state.epoch > config.epochs)
        throw std::runtime_error(fmt::format("checkpoint {} is at epoch {}, past this run's {} epochs",
                                             last_file.string(), state.epoch, config.epochs));
      scheduler.restore(state.scheduler);
      set_lr(*optimizer, state.lr);
    }
  }
  LossScaler scaler(precision == Precision::fp16, state.scaler);
  std::vector<torch::Tensor> best_in_memory;
  const double n_train = static_cast<double>(data.size(Split::train));

  for (int64_t epoch = state.epoch + 1; epoch <= config.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    const std::string phase = fmt::format("during epoch {}", epoch);
    const double train_loss =
        guard_memory(config, data, device, phase, [&] { return train_epoch(run, *optimizer, scaler, epoch); });
    const double train_seconds = seconds_since(epoch_start);
    if (group) {  // BatchNorm's running statistics: the leader's, on every member
      auto buffers = model->buffers();
      if (!buffers.empty()) group->broadcast(buffers);
    }
    const Validation validation =
        guard_memory(config, data, device, phase, [&] { return validation_pass(run, lpips, epoch); });
    const double val_loss = validation.loss;
    const double epoch_lr = state.lr;
    if (config.scheduler.enabled) {
      state.lr = scheduler.step(val_loss, state.lr);
      set_lr(*optimizer, state.lr);
      state.scheduler = scheduler.state();
    }
    if (val_loss < state.best_val_loss) {
      state.best_val_loss = val_loss;
      state.best_epoch = epoch;
      if (writes_checkpoints)
        save_weights(best_file, model);
      else if (!checkpoints)
        best_in_memory = snapshot(model);
    }
    const double seconds = seconds_since(epoch_start);
    common::EpochFigures figures{
        epoch, train_loss, val_loss, std::abs(val_loss - train_loss), epoch_lr, seconds, n_train / train_seconds};
    if (validation.metrics) set_validation_figures(figures, *validation.metrics);
    state.epoch = epoch;
    state.runtime_seconds += seconds;
    state.train_phase_seconds += train_seconds;
    state.history.push_back(figures);
    state.scaler = scaler.state();
    if (writes_checkpoints)
      save_checkpoint(last_file, fingerprint, *model, *optimizer, state,
                      options.checkpoint_dir / common::kPreviousCheckpoint, owner);
    if (options.on_epoch) options.on_epoch(figures);
  }

  const bool tests = !group || group->leader();
  if (group) {  // the last collective step: a failure in the leader's last checkpoint reaches everyone
    group->check_in(false);
    group->close();
  }
  const common::EpochFigures& last = state.history.back();
  common::TrainResult result;
  result.epochs = config.epochs;
  result.best_epoch = state.best_epoch;
  result.best_val_loss = state.best_val_loss;
  result.train_loss = last.train_loss;
  result.val_loss = last.val_loss;
  result.gap = last.gap;
  if (tests) {
    if (checkpoints)
      load_weights(best_file, model, device);
    else
      restore(model, best_in_memory);
    result.test = guard_memory(config, data, device, "while testing", [&] { return test_metrics(run, lpips); });
    if (options.inference_repeats > 0) result.inference = measure_inference(run, data);
  }
  result.runtime_seconds = state.runtime_seconds;
  result.images_per_second = n_train * static_cast<double>(config.epochs) / state.train_phase_seconds;
  result.parameters = parameter_count(*model);
  result.precision = precision_name(precision);
  result.libtorch = TORCH_VERSION;
  result.history = state.history;
  return result;
}

}  // namespace bokeh::training
