// resources.runs_per_gpu: which GPU each node-local worker trains on, and the dry run's account of
// it, against mappings worked out by hand.
#include <catch2/catch.hpp>

#include <vector>

#include "orchestrator/plan/gpu_mapping.h"
#include "orchestrator/spec_format/canonical_spec.h"
#include "orchestrator/spec/spec.h"

using namespace bokeh::orchestrator;
using namespace bokeh::common;

namespace {
std::vector<int> mapping(int workers, int64_t runs_per_gpu, int gpus) {
  std::vector<int> out;
  for (int w = 0; w < workers; ++w) out.push_back(gpu_for_worker(w, runs_per_gpu, gpus));
  return out;
}

Resources resources(const std::string& device, int64_t runs_per_gpu) {
  Resources r;
  r.device = device;
  r.runs_per_gpu = runs_per_gpu;
  return r;
}
}  // namespace

TEST_CASE("runs_per_gpu N puts N consecutive workers on each GPU, wrapping around past N x GPUs", "[gpu_mapping]") {
  CHECK(mapping(6, 1, 4) == std::vector<int>{0, 1, 2, 3, 0, 1});  // one run per GPU: worker mod GPUs
  CHECK(mapping(8, 2, 4) == std::vector<int>{0, 0, 1, 1, 2, 2, 3, 3});
  CHECK(mapping(4, 4, 1) == std::vector<int>{0, 0, 0, 0});  // the bench's packing on one H200
  CHECK(mapping(6, 2, 2) == std::vector<int>{0, 0, 1, 1, 0, 0});
  CHECK(mapping(3, 4, 2) == std::vector<int>{0, 0, 0});  // fewer workers than slots: the second GPU idles
  CHECK_THROWS_AS(gpu_for_worker(0, 1, 0), std::invalid_argument);
  CHECK_THROWS_AS(gpu_for_worker(0, 0, 1), std::invalid_argument);
  CHECK_THROWS_AS(gpu_for_worker(-1, 1, 1), std::invalid_argument);
}

TEST_CASE("the dry run's GPU line names every GPU's workers and how many ranks fill them", "[gpu_mapping]") {
  CHECK(describe_gpu_mapping(resources("auto", 2), 2) ==
        "gpus: 2 on this node, runs_per_gpu 2: workers 0-1 -> cuda:0, 2-3 -> cuda:1; 4 workers per node fill them "
        "(mpirun -n 5 on one node); more wrap around");
  CHECK(describe_gpu_mapping(resources("cuda", 1), 1) ==
        "gpus: 1 on this node, runs_per_gpu 1: workers 0 -> cuda:0; 1 worker per node fill them "
        "(mpirun -n 2 on one node); more wrap around");
  CHECK(describe_gpu_mapping(resources("auto", 4), 0).find("workers train on the CPU") != std::string::npos);
  CHECK(describe_gpu_mapping(resources("cuda", 4), 0).find("runs fail here") != std::string::npos);
  CHECK(describe_gpu_mapping(resources("cpu", 4), 8).find("every worker trains on the CPU") != std::string::npos);
}

TEST_CASE("runs_per_gpu is read from the spec and part of the canonical spec", "[gpu_mapping][spec]") {
  const std::string head = "sweep: t\nbase:\n  loss.lpips: 0\n";
  const Spec plain = parse_spec(head, "a.yaml");
  const Spec packed = parse_spec(head + "resources: {runs_per_gpu: 4}\n", "b.yaml");
  CHECK(plain.resources.runs_per_gpu == 1);
  CHECK(packed.resources.runs_per_gpu == 4);
  CHECK(canonical_spec(packed)["resources"]["runs_per_gpu"] == 4);
  CHECK(canonical_spec(plain) != canonical_spec(packed));
  CHECK(parse_spec(head, "c.yaml", {"resources.runs_per_gpu=2"}).resources.runs_per_gpu == 2);
}
