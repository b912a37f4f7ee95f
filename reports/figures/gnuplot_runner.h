// Running gnuplot on a script file: found on PATH, run in the script's folder, failures reported.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace bokeh::reports {

// The gnuplot executable on PATH, or nullopt.
std::optional<std::filesystem::path> find_gnuplot();

// Runs `gnuplot SCRIPT` with the script's folder as working directory. Throws ReportError when
// gnuplot is not on PATH (saying how to install it) or exits unsuccessfully.
void run_gnuplot(const std::filesystem::path& script);

// `text` as a double-quoted gnuplot string.
std::string gnuplot_quote(const std::string& text);

}  // namespace bokeh::reports
