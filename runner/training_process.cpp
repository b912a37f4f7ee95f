// The parent and child sides of training a run in a child process, and their pipe framing: each
// message is its protocol tag (int32), its length (uint64) and its encoded bytes.
#include "runner/training_process.h"
#include "runner/run_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/exit_codes.h"
#include "orchestrator/sweep/interrupt.h"

extern char** environ;

namespace bokeh::runner {

namespace {
constexpr int kChildInput = 0;   // the child's stdin: the ASSIGN
constexpr int kChildOutput = 3;  // the child's fd 3: its reports
constexpr int kPollMs = 200;

std::string system_error(const char* what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

bool write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t written = ::write(fd, data, n);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    data += written;
    n -= static_cast<size_t>(written);
  }
  return true;
}

bool read_all(int fd, char* data, size_t n) {
  while (n > 0) {
    const ssize_t got = ::read(fd, data, n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    data += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool write_frame(int fd, const common::Message& message) {
  const std::string bytes = common::encode_message(message);
  const int32_t tag = common::message_tag(message);
  const uint64_t length = bytes.size();
  return write_all(fd, reinterpret_cast<const char*>(&tag), sizeof tag) &&
         write_all(fd, reinterpret_cast<const char*>(&length), sizeof length) &&
         write_all(fd, bytes.data(), bytes.size());
}

// The stream ended inside a message: its writer died while writing it (a SIGKILL lands anywhere).
struct CutShortFrame : common::ProtocolError {
  CutShortFrame() : common::ProtocolError("training process: truncated message") {}
};

// The next message, or nullopt at the end of the stream between two messages (the writer closed it or died).
std::optional<common::Message> read_frame(int fd) {
  int32_t tag = 0;
  uint64_t length = 0;
  if (!read_all(fd, reinterpret_cast<char*>(&tag), sizeof tag)) return std::nullopt;
  if (!read_all(fd, reinterpret_cast<char*>(&length), sizeof length)) throw CutShortFrame();
  if (length > (uint64_t{1} << 31)) throw common::ProtocolError("training process: oversized message");
  std::string bytes(length, '\0');
  if (!read_all(fd, bytes.data(), length)) throw CutShortFrame();
  return common::decode_message(tag, bytes, -1);
}

// "killed by signal 9 (Killed)", with what usually sends it.
std::string death_of(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    std::string text = fmt::format("killed by signal {} ({})", signal, ::strsignal(signal));
    if (signal == SIGKILL) text += "; the kernel's OOM killer sends it when memory runs out";
    return text;
  }
  return fmt::format("exited with status {} without a result", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

}  // namespace

// A child process with a pipe to its stdin and one from its fd 3.
class TrainingChild {
 public:
  explicit TrainingChild(const orchestrator::NodeLayout& layout) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error(system_error("cannot create a pipe"));
    if (::pipe2(out, O_CLOEXEC) != 0) {
      ::close(in[0]);
      ::close(in[1]);
      throw std::runtime_error(system_error("cannot create a pipe"));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], kChildInput);
    posix_spawn_file_actions_adddup2(&actions, out[1], kChildOutput);
    const std::vector<std::string> args = {"sweep",
                                           kTrainOneFlag,
                                           std::to_string(layout.local_worker_index),
                                           std::to_string(layout.local_workers),
                                           std::to_string(layout.cores),
                                           layout.host};
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int error = ::posix_spawn(&pid_, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
    if (error != 0) {
      pid_ = -1;
      throw std::runtime_error(fmt::format("cannot start the training process: {}", std::strerror(error)));
    }
  }
  // An idle child ends at the end of its input; one that is not idle (an abandoned run) is killed.
  ~TrainingChild() {
    close_input();
    if (from_child_ >= 0) ::close(from_child_);
    if (pid_ > 0) {
      if (busy_) ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  }
  TrainingChild(const TrainingChild&) = delete;
  TrainingChild& operator=(const TrainingChild&) = delete;

  bool send(const common::Message& message) { return (busy_ = write_frame(to_child_, message)); }
  void idle() { busy_ = false; }
  void close_input() {
    if (to_child_ >= 0) ::close(to_child_);
    to_child_ = -1;
  }
  // Waits up to kPollMs for a report; nullopt on a timeout, end_of_stream() then tells the end.
  std::optional<common::Message> receive() {
    pollfd p{from_child_, POLLIN, 0};
    const int ready = ::poll(&p, 1, kPollMs);
    if (ready <= 0) return std::nullopt;
    try {
      std::optional<common::Message> message = read_frame(from_child_);
      if (!message) ended_ = true;
      return message;
    } catch (const CutShortFrame&) {  // how the child ended, from reap(), says why
      ended_ = true;
      return std::nullopt;
    }
  }
  bool end_of_stream() const { return ended_; }
  void signal(int sig) const { ::kill(pid_, sig); }
  int reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  bool ended_ = false;
  bool busy_ = false;  // a run handed over and not answered yet
};

namespace {
// A whole decimal number in [min, 2^31), or nullopt.
std::optional<int> count_argument(const std::string& text, int min) {
  if (text.empty() || text.size() > 10 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const long long value = std::stoll(text);
  if (value < min || value > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(value);
}

// The node layout from `--train-one LOCAL_WORKER_INDEX LOCAL_WORKERS CORES HOST`, or nullopt.
std::optional<orchestrator::NodeLayout> layout_from(int argc, char** argv) {
  if (argc != 6) return std::nullopt;
  const std::optional<int> index = count_argument(argv[2], 0), workers = count_argument(argv[3], 1),
                           cores = count_argument(argv[4], 1);
  if (!index || !workers || !cores || argv[5][0] == '\0') return std::nullopt;
  orchestrator::NodeLayout layout;
  layout.local_worker_index = *index;
  layout.local_workers = *workers;
  layout.cores = static_cast<unsigned>(*cores);
  layout.host = argv[5];
  return layout;
}
}  // namespace

TrainingProcess::TrainingProcess(orchestrator::NodeLayout layout) : layout_(std::move(layout)) {
  std::signal(SIGPIPE, SIG_IGN);  // a child that died is seen at its pipe's end, not by a signal here
}

TrainingProcess::~TrainingProcess() = default;

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Where the child last was: "in epoch 3, batch 7", "in epoch 3, validation batch 2", "while testing, batch 1".
std::string place_of(const common::ProgressMessage& p) {
  if (p.phase.empty()) return "before its first batch";
  if (p.phase == "test") return fmt::format("while testing, batch {}", p.batch);
  if (p.phase == "validation") return fmt::format("in epoch {}, validation batch {}", p.epoch, p.batch);
  return fmt::format("in epoch {}, batch {}", p.epoch, p.batch);
}

// "30 min", "0.05 min"
std::string minutes(double seconds) { return fmt::format("{:g} min", seconds / 60.0); }
}  // namespace

common::TrainResult TrainingProcess::train(const common::AssignMessage& assign, const RunReports& reports) {
  if (!child_) {
    // Widened here, not only in the child: the child's OpenMP runtime reads its affinity once, at
    // load, and with fewer cores than threads it stops spinning between parallel regions, which
    // halved a 2-thread run's speed under `mpirun -n 2` (one core per rank).
    orchestrator::make_room_for_threads(orchestrator::worker_threads(layout_, static_cast<int>(assign.threads)));
    child_ = std::make_unique<TrainingChild>(layout_);
  }
  // Whatever ends this run other than DONE ends this child too: the next run gets a fresh process.
  std::unique_ptr<TrainingChild> child = std::move(child_);
  if (!child->send(assign)) throw std::runtime_error("the training process died before it took its run");
  bool stop_sent = false, killed_stopping = false, killed_stalled = false;
  Clock::time_point stop_sent_at{}, last_progress = Clock::now();
  common::ProgressMessage where;
  for (;;) {
    if (!stop_sent && reports.stop_requested && reports.stop_requested()) {
      child->signal(SIGUSR1);  // answered at its next batch; a child stuck in a kernel call is killed below
      stop_sent = true;
      stop_sent_at = Clock::now();
    }
    if (stop_sent && !killed_stopping && seconds_since(stop_sent_at) > kStopGraceSeconds) {
      child->signal(SIGKILL);  // its last checkpoint is an epoch's end, which is all a stop keeps anyway
      killed_stopping = true;
    }
    if (!stop_sent && !killed_stalled && seconds_since(last_progress) > assign.stall_seconds) {
      child->signal(SIGKILL);
      killed_stalled = true;
    }
    std::optional<common::Message> message = child->receive();
    if (!message) {
      if (!child->end_of_stream()) continue;
      const int status = child->reap();
      if (killed_stopping)
        throw training::TrainingInterrupted(
            fmt::format("the training process did not stop within {:g} s of the stop "
                        "request ({}); killed",
                        kStopGraceSeconds, place_of(where)));
      if (killed_stalled)
        throw std::runtime_error(
            fmt::format("no progress for {} {}; killed", minutes(assign.stall_seconds), place_of(where)));
      const std::string death = "the training process " + death_of(status);
      if (stop_sent) throw training::TrainingInterrupted(death + " while stopping");
      throw std::runtime_error(death);
    }
    last_progress = Clock::now();
    if (const auto* progress = std::get_if<common::ProgressMessage>(&*message)) {
      where = *progress;
    } else if (const auto* epoch = std::get_if<common::EpochMessage>(&*message)) {
      if (reports.on_epoch) reports.on_epoch(*epoch);
    } else if (const auto* notice = std::get_if<common::NoticeMessage>(&*message)) {
      if (reports.on_notice) reports.on_notice(*notice);
    } else if (auto* done = std::get_if<common::DoneMessage>(&*message)) {
      child->idle();
      child_ = std::move(child);  // healthy: it takes the next run too
      return std::move(done->results);
    } else if (const auto* failed = std::get_if<common::FailedMessage>(&*message)) {
      child->reap();  // it exits after a failure
      if (failed->interrupted) throw training::TrainingInterrupted(failed->error);
      throw std::runtime_error(failed->error);
    } else {
      throw common::ProtocolError(
          fmt::format("training process: unexpected {}", common::message_type_name(common::message_tag(*message))));
    }
  }
}

namespace {
// The runs a worker hands over on stdin, one after another until the input ends (the rank is done
// with it); after a failure this process exits, so that the next run starts in a clean one.
int train_runs(const orchestrator::NodeLayout& layout) {
  orchestrator::install_interrupt_handlers();
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a rank that dies stops its child too, at the next batch
  RunExecutor executor(layout);        // keeps the prepared data and LPIPS net open across runs
  RunReports reports;
  reports.on_epoch = [](const common::EpochMessage& m) { write_frame(kChildOutput, m); };
  reports.on_notice = [](const common::NoticeMessage& m) { write_frame(kChildOutput, m); };
  reports.on_progress = [](const common::ProgressMessage& m) { write_frame(kChildOutput, m); };
  reports.stop_requested = orchestrator::interrupt_requested;
  while (std::optional<common::Message> message = read_frame(kChildInput)) {
    const auto* assign = std::get_if<common::AssignMessage>(&*message);
    if (assign == nullptr) {
      std::fprintf(stderr, "sweep %s: expected a run, got %s\n", kTrainOneFlag,
                   common::message_type_name(common::message_tag(*message)));
      return common::kExitBadInput;
    }
    try {
      write_frame(kChildOutput, common::DoneMessage{assign->run_key, executor.execute(*assign, reports)});
    } catch (const training::TrainingInterrupted& e) {
      write_frame(kChildOutput, common::FailedMessage{assign->run_key, e.what(), true});
      return common::kExitInterrupted;
    } catch (const c10::Error& e) {  // libtorch's own: its message, never its C++ backtrace
      write_frame(kChildOutput, common::FailedMessage{assign->run_key, e.what_without_backtrace(), false});
      return common::kExitFailed;
    } catch (const std::bad_alloc&) {
      write_frame(kChildOutput,
                  common::FailedMessage{assign->run_key,
                                        "out of memory in the training process (std::bad_alloc) "
                                        "outside training; lower train.batch_size or model.width, or start "
                                        "fewer worker ranks per node",
                                        false});
      return common::kExitFailed;
    } catch (const std::exception& e) {
      write_frame(kChildOutput, common::FailedMessage{assign->run_key, e.what(), false});
      return common::kExitFailed;
    }
  }
  return common::kExitOk;
}
}  // namespace

int train_one_main(int argc, char** argv) {
  const std::optional<orchestrator::NodeLayout> layout = layout_from(argc, argv);
  if (!layout) {
    std::fprintf(stderr,
                 "sweep %s: internal use only (a worker starts it with LOCAL_WORKER_INDEX LOCAL_WORKERS CORES "
                 "HOST)\n",
                 kTrainOneFlag);
    return common::kExitBadInput;
  }
  // Whatever escapes is one line and a status, never an abort: a malformed or foreign frame is bad
  // input (a worker of another build), anything else a failure.
  try {
    return train_runs(*layout);
  } catch (const common::ProtocolError& e) {
    std::fprintf(stderr, "sweep %s: %s\n", kTrainOneFlag, e.what());
    return common::kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sweep %s: %s\n", kTrainOneFlag, e.what());
    return common::kExitFailed;
  }
}

}  // namespace bokeh::runner
