// The prepared-data cache: every pair of a sweep's data decoded and resized once into one binary
// file that any number of processes map read-only. The file is keyed by a hash of the source, the
// file list (paths, sizes, modification times), the resolution and the subsets; a changed input
// gives a new key and so a new file.
//
// File layout (host byte order), written to a temporary file and renamed:
//   header (kPreparedHeaderBytes): magic "BOKEHPD\0", format version, header size, key, H, W,
//     pair counts of train / validation / test, 64-bit checksum of the payload;
//   payload: for train, validation, test in turn: inputs uint8 (N, 3, H, W), then targets uint8 (N, 3, H, W).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include <torch/torch.h>

#include "common/run_config.h"

namespace bokeh::training {

enum class Split { train, validation, test };
const char* split_name(Split split);

constexpr uint32_t kPreparedFormatVersion = 1;
constexpr int64_t kPreparedHeaderBytes = 128;

class PreparedData {
 public:
  // Builds the cache under cache_dir if missing, stale or corrupt (a corrupt file is reported on
  // stderr in one line, then rebuilt); then maps it read-only. For source "synthetic" the pairs
  // are first rendered once into cache_dir/synthetic-<hash>/ and read back like EBB!.
  static std::shared_ptr<const PreparedData> prepare(const common::DataConfig& config,
                                                     const std::filesystem::path& cache_dir);
  // Maps an existing cache file; throws std::runtime_error naming the file if it is invalid
  // (size, magic, version, header fields, checksum).
  static std::shared_ptr<const PreparedData> open(const std::filesystem::path& file);

  int64_t size(Split split) const;
  int64_t height() const { return height_; }
  int64_t width() const { return width_; }
  uint64_t key() const { return key_; }
  // The payload's checksum: the identity of the pixels themselves (the same pairs in the same splits
  // give the same value wherever and whenever the cache was built; the key also hashes file times).
  uint64_t checksum() const { return checksum_; }
  // Views of the read-only mapping (no copy; never write to them). They keep the mapping alive.
  torch::Tensor inputs(Split split) const;   // uint8 (N, 3, H, W), the sharp originals
  torch::Tensor targets(Split split) const;  // uint8 (N, 3, H, W), the bokeh targets
  const std::filesystem::path& file() const { return file_; }

 private:
  struct Mapping;
  PreparedData() = default;
  torch::Tensor view(Split split, bool target) const;

  std::shared_ptr<const Mapping> mapping_;
  std::filesystem::path file_;
  uint64_t key_ = 0;
  uint64_t checksum_ = 0;
  int64_t height_ = 0, width_ = 0;
  int64_t counts_[3] = {0, 0, 0};
};

}  // namespace bokeh::training
