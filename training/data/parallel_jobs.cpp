// The thread pool of parallel_jobs.h: an atomic counter hands out job indices to std::threads.
#include "training/data/parallel_jobs.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace bokeh::training {

int machine_cores() { return std::max(1u, std::thread::hardware_concurrency()); }

void run_parallel_jobs(int64_t n, int threads, const std::function<void(int64_t)>& job) {
  if (n <= 0) return;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> lowest_failure{std::numeric_limits<int64_t>::max()};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (int64_t i = next++; i < n && i < lowest_failure.load(); i = next++) {
      try {
        job(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (i < lowest_failure.load()) {
          lowest_failure = i;
          error = std::current_exception();
        }
      }
    }
  };
  const int64_t count = std::min<int64_t>(std::max(threads, 1), n);
  if (count == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(count));
    try {
      for (int64_t t = 0; t < count; ++t) pool.emplace_back(worker);
    } catch (const std::system_error&) {  // no more threads to be had: the ones started do every job
      if (pool.empty()) worker();
    }
    for (auto& thread : pool) thread.join();
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace bokeh::training
