// One check for every MPI call's return code: anything but MPI_SUCCESS becomes an exception naming
// the call and MPI's own error text. (Under MPI's default error handler a failing call aborts the
// job before returning; the check matters where a communicator returns errors.)
#pragma once

#include <mpi.h>

#include <stdexcept>
#include <string>

namespace bokeh::orchestrator {

inline void mpi_check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string(call) + " failed: " + std::string(text, static_cast<size_t>(length)));
}

}  // namespace bokeh::orchestrator
