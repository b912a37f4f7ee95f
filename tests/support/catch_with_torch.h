// Force-included before every torch test file when precompiled headers are off (with them, cmake/torch_pch.h
// drops c10's CHECK ahead of each file's Catch): torch's c10 logging defines a glog-style CHECK that aborts,
// which would silently replace Catch's CHECK in any test including a torch header after Catch.
// Including torch first, dropping its CHECK, then Catch, leaves CHECK to Catch everywhere.
#pragma once

#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>
