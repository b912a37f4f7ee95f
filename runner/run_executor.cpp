// One run on this process: threads, device, data, LPIPS, checkpoints, training.
#include "runner/run_executor.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/run_settings.h"
#include "orchestrator/plan/gpu_mapping.h"
#include "training/device_memory.h"

namespace bokeh::runner {

namespace {

// "cpu", "cuda" or "auto" -> the device: cuda:gpu_for_worker(local worker index, runs_per_gpu, GPUs)
// when CUDA is wanted and present. "cuda" without a GPU is an error.
torch::Device worker_device(const std::string& wanted, const orchestrator::NodeLayout& layout, int64_t runs_per_gpu) {
  if (wanted == "cpu") return torch::kCPU;
  const bool have_gpu = torch::cuda::is_available();
  if (wanted == "cuda" && !have_gpu)
    throw std::runtime_error("resources.device is cuda but this libtorch sees no CUDA GPU on " + layout.host);
  if (!have_gpu) return torch::kCPU;
  const auto gpus = static_cast<int>(torch::cuda::device_count());
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(
                                         orchestrator::gpu_for_worker(layout.local_worker_index, runs_per_gpu, gpus)));
}

// BOKEH_STALL_RUN's hang: deaf to every signal but SIGKILL, for good.
[[noreturn]] void hang_on_purpose() {
  sigset_t all;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, nullptr);
  for (;;) ::pause();
}
}  // namespace

const training::PreparedData& RunExecutor::data(const std::string& file) {
  if (!data_ || data_file_ != file) {
    data_ = training::PreparedData::open(file);
    data_file_ = file;
  }
  return *data_;
}

training::Lpips RunExecutor::lpips(const std::string& file) {
  if (file.empty()) return training::Lpips{nullptr};
  if (lpips_file_ != file) {
    lpips_ = training::Lpips(std::filesystem::path(file));
    lpips_file_ = file;
  }
  return lpips_;
}

common::TrainResult RunExecutor::execute(const common::AssignMessage& assign, const RunReports& reports,
                                         const std::shared_ptr<training::TrainingGroup>& group) {
  if (group) group->open();
  if (const char* failing = std::getenv("BOKEH_FAIL_RUN"); failing && assign.run_name == failing)
    throw std::runtime_error("failed on purpose: BOKEH_FAIL_RUN names run " + assign.run_name);
  const int threads = orchestrator::worker_threads(layout_, static_cast<int>(assign.threads));
  orchestrator::make_room_for_threads(threads);
  at::set_num_threads(threads);
  training::TrainOptions options;
  options.device = worker_device(assign.device, layout_, assign.runs_per_gpu);
  if (options.device.is_cuda())  // what PyTorch's GPU recipes use; see bench/README.md for what was measured
    at::globalContext().setBenchmarkCuDNN(true);
  options.checkpoint_dir = assign.checkpoint_dir;
  options.sweep_instance = assign.sweep_instance;
  options.lpips = lpips(assign.lpips_weights);
  options.inference_repeats = assign.inference_repeats;
  if (reports.on_epoch)
    options.on_epoch = [&](const common::EpochFigures& f) {
      reports.on_epoch(common::EpochMessage{assign.run_key, f});
    };
  if (reports.on_notice) {
    options.on_notice = [&](const std::string& kind, const std::string& text) {
      reports.on_notice(common::NoticeMessage{assign.run_key, kind, text});
    };
  }
  options.stop_requested = reports.stop_requested;
  const char* stalling = std::getenv("BOKEH_STALL_RUN");
  const bool stall = stalling && assign.run_name == stalling;
  if (reports.on_progress || stall) {
    options.on_progress = [&reports, &assign, stall](const char* phase, int64_t epoch, int64_t batch) {
      if (reports.on_progress) reports.on_progress(common::ProgressMessage{assign.run_key, phase, epoch, batch});
      if (stall && epoch == 1 && batch == 2 && std::string(phase) == "train") hang_on_purpose();  // in batch 2
    };
  }
  options.group = group;
  if (!assign.resume) common::remove_checkpoints(assign.checkpoint_dir);
  common::TrainConfig config = common::train_config_from_json(assign.config, assign.seed);
  if (assign.until_epoch > 0) config.epochs = std::min(config.epochs, assign.until_epoch);  // an ASHA rung
  try {
    return training::train_run(config, data(assign.data_file), options);
  } catch (const training::OutOfMemory&) {
    training::release_cached_memory(options.device);  // the run's tensors are gone: the next run gets their memory
    throw;
  }
}

}  // namespace bokeh::runner
