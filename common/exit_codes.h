// Exit statuses shared by every executable (sweep, report, render, metrics, synth), as the README
// documents them.
#pragma once

namespace bokeh::common {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;    // the work failed (sweep: runs left failed; a tool: its input could not be processed)
constexpr int kExitBadInput = 2;  // invalid spec or arguments, changed spec, unusable database
constexpr int kExitInterrupted = 130;  // Ctrl-C / SIGTERM: 128 + SIGINT, resumable

}  // namespace bokeh::common
