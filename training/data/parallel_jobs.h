// A pool of std::threads over n independent jobs (the prepared-data cache decodes its pairs with
// it). Each job writes only its own output, so the result does not depend on the thread count; a
// failure is reported as the lowest-numbered failing job, exactly as a serial loop would report it.
#pragma once

#include <cstdint>
#include <functional>

namespace bokeh::training {

// Every core of this machine (std::thread::hardware_concurrency), at least 1.
int machine_cores();

// Runs job(0) .. job(n - 1) on min(threads, n) threads (inline when that is 1), handing out
// indices in increasing order. When jobs throw, the exception of the lowest failing index is
// rethrown after every thread has stopped; jobs above that index that have not started are skipped.
void run_parallel_jobs(int64_t n, int threads, const std::function<void(int64_t)>& job);

}  // namespace bokeh::training
