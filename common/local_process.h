// This machine's processes as files and database rows name them: the host name, and whether a pid
// still runs here. Used to tell a live writer or sweep process from one that was killed.
#pragma once

#include <cstdint>
#include <string>

namespace bokeh::common {

// This machine's host name ("unknown" if the system will not say).
std::string this_host();

// Whether a process with this pid runs on this machine (a zombie, ended but not yet reaped, does not).
bool process_exists(int64_t pid);

}  // namespace bokeh::common
