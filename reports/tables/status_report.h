// `report --status`: per sweep, its runs by state, attempts, progress in epochs, failures with their
// error, the elapsed time and an ETA (remaining estimated cost at the done runs' seconds per FLOP), or,
// when no sweep process is alive (each ended, died or stopped beating), "stale: coordinator last seen
// N ago, rerun the same command to resume".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store_reader.h"

namespace bokeh::reports {

// How many runs are in each state (every state present, zeros included), and whether any is still
// to do: the counts `report --status` prints and the dashboard shows.
struct StateCounts {
  std::map<orchestrator::RunState, int64_t> by_state;
  int64_t operator[](orchestrator::RunState state) const { return by_state.at(state); }
  bool open() const { return (*this)[orchestrator::RunState::Pending] + (*this)[orchestrator::RunState::Running] > 0; }
};
StateCounts count_states(const std::vector<orchestrator::RunRecord>& runs);

// Seconds from the first start of any of `runs` to their last finish, or to `now` (unix seconds)
// while any is pending or running; nullopt when none has started.
std::optional<double> elapsed_seconds(const std::vector<orchestrator::RunRecord>& runs, double now);

// Estimated seconds until every pending and running run is done, or nullopt when no finished run
// gives a rate yet. Running runs count by the fraction of their epochs still to train; runs that
// are running now are taken to go on in parallel (the remaining time is divided by their number).
std::optional<double> eta_seconds(const orchestrator::StoreReader& store, const std::string& sweep);

// When no process works on `sweep` any more (each has ended, died or stopped beating), "stale:
// coordinator last seen N ago, rerun the same command to resume."; nullopt while one is alive.
std::optional<std::string> stale_note(const orchestrator::StoreReader& store, const std::string& sweep, double now);

// "1h 02m", "4m 10s", "12s".
std::string format_duration(double seconds);

// Markdown for one sweep (`sweep` given; ReportError when unknown) or every sweep (""); `now` is
// unix seconds (the elapsed time of an unfinished sweep runs to it).
std::string status_report(const orchestrator::StoreReader& store, const std::string& sweep, double now);

}  // namespace bokeh::reports
