// Test helpers that start processes: a shell command with its output and exit status, a built tool
// (build/NAME) with stdout and stderr apart, or a command in its own process group (so that a test
// can kill -9 or SIGTERM the whole mpirun job).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.h"

namespace bokeh::test {

struct CommandResult {
  int status = -1;     // the exit status, or 128 + signal
  std::string output;  // stdout and stderr together
};

inline int exit_status_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  result.status = exit_status_of(pclose(pipe));
  return result;
}

struct ToolResult {
  int status = -1;  // the exit status, or 128 + signal
  std::string out, err;
};

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the built tool BOKEH_BUILD_DIR/`tool` with `args` (already shell-quoted where needed), from
// `working_dir` when given, keeping its stdout and stderr in `scratch`.
inline ToolResult run_tool(const TempDir& scratch, const std::string& tool, const std::string& args,
                           const std::filesystem::path& working_dir = {}) {
  const std::filesystem::path exe = std::filesystem::path(BOKEH_BUILD_DIR) / tool;
  const std::filesystem::path out = scratch.path() / (tool + "-stdout.txt"),
                              err = scratch.path() / (tool + "-stderr.txt");
  std::string command = "'" + exe.string() + "' " + args + " > '" + out.string() + "' 2> '" + err.string() + "'";
  if (!working_dir.empty()) command = "cd '" + working_dir.string() + "' && " + command;
  const int raw = std::system(command.c_str());
  return ToolResult{exit_status_of(raw), read_text(out), read_text(err)};
}

// A command running in the background in a process group of its own; output goes to `log`.
class BackgroundCommand {
 public:
  BackgroundCommand(const std::string& command, const std::filesystem::path& log) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      const std::string line = "exec " + command + " >" + log.string() + " 2>&1";
      execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    setpgid(pid_, pid_);
  }
  ~BackgroundCommand() {
    if (pid_ > 0 && !reaped_) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  void signal_group(int signal) const { kill(-pid_, signal); }
  pid_t pid() const { return pid_; }  // also the process group's id
  // Sends `signal` to the first process of the group only (e.g. mpirun, which forwards it).
  void signal_leader(int signal) const { kill(pid_, signal); }
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return exit_status_of(status);
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

}  // namespace bokeh::test
