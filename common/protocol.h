// The coordinator/worker protocol, defined once. Every message is an MPI message whose tag is its
// type (MessageTag) and whose bytes are a JSON object carrying the protocol's name and version
// ({"protocol": "bokeh-sweep", "version": N, ...fields}); decode() checks the type, the JSON, the
// version and every field, so ranks of two different builds stop with one line instead of guessing.
//
// The exchange, per worker rank w (rank 0 is the coordinator):
//   1. w -> 0   READY    {host, threads, device}                  once, when w is up
//   2. 0 -> w   ASSIGN   {run_key, run_name, config, seed,        a run to train; `resume` says whether
//                         data_file, sweep_instance,              checkpoint_dir holds a last.pt to continue
//                         checkpoint_dir,                         (one another sweep instance wrote is set aside);
//                         lpips_weights, resume, device,          `until_epoch` > 0: train only up to that
//                         threads, until_epoch, runs_per_gpu,     epoch (an early-stopping rung), then DONE
//                         inference_repeats}
//   3. w -> 0   EPOCH    {run_key, figures}                       after each epoch's checkpoint is written
//   4. w -> 0   DONE     {run_key, results}                       the run finished; w is idle again
//      or       FAILED   {run_key, error, interrupted}            it threw (interrupted: stopped by a signal or
//                                                                 STOP; the run stays resumable); w is idle again
//      w -> 0   NOTICE   {run_key, kind, text}                   any time during 3-4: something the run passed
//                                                                 over (a corrupt checkpoint), kept as an event
//      child -> w PROGRESS {run_key, phase, epoch, batch}       between a worker and the child process training
//                                                                 its run (training_process.h), before every
//                                                                 batch: what the watchdog measures; never sent
//                                                                 to the coordinator
//   5. steps 2-4 repeat while runs are left; then
//   6. 0 -> w   STOP     {}                                       w leaves its loop; also sent mid-run to stop
//                                                                 a sweep, which w answers with FAILED(interrupted)
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "common/train_result.h"

namespace bokeh::common {

// The protocol's name and version, in every message. The version changes with any message's fields
// (2: EPOCH's figures and DONE's history carry the validation metrics, val_l1 ... val_lpips; 3: ASSIGN's
// inference_repeats, DONE's results the inference figures).
inline constexpr const char* kProtocolName = "bokeh-sweep";
inline constexpr int64_t kProtocolVersion = 3;

// MPI tags (and the training child's pipe frames), one per message type. Fixed numbers: a tag names
// its message on the wire, whatever order the variant below lists them in.
enum class MessageTag : int {
  Ready = 1,
  Assign = 2,
  Epoch = 3,
  Done = 4,
  Failed = 5,
  Stop = 6,
  Notice = 7,
  Progress = 8
};

struct ReadyMessage {
  static constexpr MessageTag kTag = MessageTag::Ready;
  std::string host;
  int64_t threads = 0;
  std::string device;
};
struct AssignMessage {
  static constexpr MessageTag kTag = MessageTag::Assign;
  std::string run_key;
  std::string run_name;
  nlohmann::json config;  // the run's canonical config (common/run_settings.h)
  uint64_t seed = 0;      // the run's seed (derived from the sweep seed and the config's key)
  std::string data_file;  // the sweep's prepared-data cache
  std::string checkpoint_dir;
  std::string lpips_weights;  // "" when the sweep has none
  bool resume = false;
  std::string device = "auto";    // resources.device: auto | cpu | cuda (the worker picks its GPU)
  int64_t threads = 0;            // resources.threads: 0 = cores / workers on the node
  int64_t until_epoch = 0;        // > 0: stop after this epoch (an ASHA rung) and report DONE; 0: train.epochs
  int64_t runs_per_gpu = 1;       // resources.runs_per_gpu: worker ranks sharing each GPU
  std::string sweep_instance;     // the store's id of this sweep instance: it owns the checkpoints it writes
  double stall_seconds = 1800;    // resources.stall_minutes x 60: no batch for this long -> the child is killed
  int64_t inference_repeats = 0;  // metrics.inference_repeats: timed renderings of a full-size photo; 0 = none
};
struct EpochMessage {
  static constexpr MessageTag kTag = MessageTag::Epoch;
  std::string run_key;
  EpochFigures figures;
};
struct DoneMessage {
  static constexpr MessageTag kTag = MessageTag::Done;
  std::string run_key;
  TrainResult results;
};
struct FailedMessage {
  static constexpr MessageTag kTag = MessageTag::Failed;
  std::string run_key;
  std::string error;
  bool interrupted = false;
};
struct StopMessage {
  static constexpr MessageTag kTag = MessageTag::Stop;
};
struct NoticeMessage {
  static constexpr MessageTag kTag = MessageTag::Notice;
  std::string run_key;
  std::string kind;  // the event's kind, e.g. "checkpoint"
  std::string text;
};

struct ProgressMessage {
  static constexpr MessageTag kTag = MessageTag::Progress;
  std::string run_key;
  std::string phase;  // "train", "validation" or "test"
  int64_t epoch = 0;
  int64_t batch = 0;  // 1-based, within the phase
};

using Message = std::variant<ReadyMessage, AssignMessage, EpochMessage, DoneMessage, FailedMessage, StopMessage,
                             NoticeMessage, ProgressMessage>;

// The message's MessageTag as an int (an MPI tag); the type's name for a tag, "unknown" for others.
int message_tag(const Message& message);
const char* message_type_name(int tag);

std::string encode_message(const Message& message);

// Rebuilds a message from its tag and bytes; a malformed one throws ProtocolError naming the sender's
// rank, the type and what is wrong, one of another protocol version (or none) ProtocolVersionError.
Message decode_message(int tag, std::string_view bytes, int source_rank);

class ProtocolError : public std::runtime_error {
 public:
  explicit ProtocolError(const std::string& what, int source_rank = -1)
      : std::runtime_error(what), source_rank_(source_rank) {}
  int source_rank() const { return source_rank_; }  // -1 when not known

 private:
  int source_rank_;
};

// The sender speaks another protocol version: ranks (or a rank and its training process) of different
// builds, a misconfiguration that no retry mends. The sweep exits with status 2 (bad input).
class ProtocolVersionError : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};

}  // namespace bokeh::common
