// Locating and running gnuplot with fork/exec (no shell, so paths need no quoting).
#include "reports/figures/gnuplot_runner.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "reports/tables/report_error.h"

namespace bokeh::reports {

std::optional<std::filesystem::path> find_gnuplot() {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  const std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t colon = dirs.find(':', start);
    const std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(candidate)) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return std::nullopt;
}

void run_gnuplot(const std::filesystem::path& script) {
  const std::optional<std::filesystem::path> gnuplot = find_gnuplot();
  if (!gnuplot) {
    throw ReportError(
        fmt::format("gnuplot is not on PATH; figures need it (Debian: apt-get install gnuplot-nox, "
                    "or scripts/install-deps); its script is written: {}",
                    script.string()));
  }
  const std::filesystem::path folder = script.parent_path().empty() ? "." : script.parent_path();
  const std::string name = script.filename().string();
  const pid_t pid = ::fork();
  if (pid < 0) throw ReportError(fmt::format("cannot start gnuplot: {}", std::strerror(errno)));
  if (pid == 0) {
    if (::chdir(folder.c_str()) != 0) ::_exit(127);
    ::execl(gnuplot->c_str(), "gnuplot", name.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw ReportError(fmt::format("waiting for gnuplot: {}", std::strerror(errno)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw ReportError(fmt::format("gnuplot failed on {} ({}); its messages are above", script.string(),
                                  WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status)) : "killed"));
  }
}

std::string gnuplot_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

}  // namespace bokeh::reports
