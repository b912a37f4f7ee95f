// Force-included before every test file: torch's c10 logging defines a glog-style CHECK that aborts,
// which would silently replace Catch's CHECK in any test including a torch header after Catch.
// Including torch first, dropping its CHECK, then Catch, leaves CHECK to Catch everywhere.
#pragma once

#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>
