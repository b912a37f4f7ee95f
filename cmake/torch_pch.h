// The precompiled libtorch header every libtorch target (libraries, tools, tests) reuses: libtorch
// without c10's glog-style CHECK macro (c10/util/logging_is_not_google_glog.h), which aborts. Our code
// never uses it, and a test that includes Catch after this header gets Catch's CHECK, not c10's.
#pragma once

#include <torch/torch.h>
#undef CHECK
