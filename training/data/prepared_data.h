// The prepared-data cache: every pair of a sweep's data decoded and resized once into one binary
// file that any number of processes map read-only. The file is keyed by a hash of the source, the
// file list (paths, sizes, modification times), the resolution and the subsets; a changed input
// gives a new key and so a new file.
//
// File layout (host byte order), written to a temporary file and renamed:
//   header (kPreparedHeaderBytes): magic "BOKEHPD\0", format version, header size, key, H, W,
//     pair counts of train / validation / test, 64-bit checksum of the pairs, 64-bit checksum of
//     the masks;
//   pairs: for train, validation, test in turn: inputs uint8 (N, 3, H, W), then targets uint8 (N, 3, H, W);
//   masks (version 2): for train, validation, test in turn: focus masks uint8 (N, 1, H, W)
//     (training/data/focus_masks.h: given, rendered or derived).
// A file of another version is never read: prepare() says so in one line and rebuilds it (the
// version is also part of the key, so a new build gets a new name), open() refuses it naming both.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include <torch/torch.h>

#include "common/run_config.h"

namespace bokeh::training {

enum class Split { train, validation, test };
const char* split_name(Split split);

constexpr uint32_t kPreparedFormatVersion = 2;  // 2: the focus masks
constexpr int64_t kPreparedHeaderBytes = 128;

class PreparedData {
 public:
  // Builds the cache under cache_dir if missing, stale or corrupt (a corrupt file is reported on
  // stderr in one line, then rebuilt); then maps it read-only. For source "synthetic" the pairs
  // are first rendered once into cache_dir/synthetic-<hash>/ and read back like EBB!, with the
  // renderer's masks as given masks; EBB! pairs take theirs from data.mask_root, else derive them.
  static std::shared_ptr<const PreparedData> prepare(const common::DataConfig& config,
                                                     const std::filesystem::path& cache_dir);
  // Maps an existing cache file; throws std::runtime_error naming the file if it is invalid
  // (size, magic, version, header fields, checksum).
  static std::shared_ptr<const PreparedData> open(const std::filesystem::path& file);

  int64_t size(Split split) const;
  int64_t height() const { return height_; }
  int64_t width() const { return width_; }
  uint64_t key() const { return key_; }
  // The pairs' checksum: the identity of the pixels themselves (the same pairs in the same splits
  // give the same value wherever and whenever the cache was built; the key also hashes file times).
  // The masks have their own, so checkpoints that name the data by this value stay valid.
  uint64_t checksum() const { return checksum_; }
  // Views of the read-only mapping (no copy; never write to them). They keep the mapping alive.
  torch::Tensor inputs(Split split) const;   // uint8 (N, 3, H, W), the sharp originals
  torch::Tensor targets(Split split) const;  // uint8 (N, 3, H, W), the bokeh targets
  torch::Tensor masks(Split split) const;    // uint8 (N, 1, H, W), in-focus weight: 255 in focus, 0 out
  const std::filesystem::path& file() const { return file_; }

 private:
  struct Mapping;
  PreparedData() = default;
  int64_t pairs_offset(Split split) const;  // where the split's inputs start in the file
  torch::Tensor view(Split split, int64_t offset, int64_t channels) const;

  std::shared_ptr<const Mapping> mapping_;
  std::filesystem::path file_;
  uint64_t key_ = 0;
  uint64_t checksum_ = 0;
  int64_t height_ = 0, width_ = 0;
  int64_t counts_[3] = {0, 0, 0};
};

}  // namespace bokeh::training
