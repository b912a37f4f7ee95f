// The EBB! reader: pairs original/N.* with bokeh/N.* by file stem and cuts them into
// train / validation / test (seeded 80:20 split, subset sizes). Serves EBB! and the synthetic
// data alike, since the renderer writes the same layout.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/run_config.h"

namespace bokeh::training {

struct PairFiles {
  std::string stem;
  std::filesystem::path original, bokeh;
  std::filesystem::path mask;  // the given focus mask; empty: none given (training/data/focus_masks.h)
};

struct DatasetSplits {
  std::vector<PairFiles> train, validation, test;
};

// All pairs under root (root/original/STEM.ext with root/bokeh/STEM.ext, ext one of .jpg .jpeg
// .png, any case; other files are ignored) in natural order ("2" before "10"). Throws
// std::runtime_error naming the folder or file when a folder is missing, a stem appears on one
// side only or twice on one side.
std::vector<PairFiles> list_pairs(const std::filesystem::path& root);

// The splits of config.root (and config.test_root):
// - without a test root, test = the last test_pairs pairs of root in natural order; with one,
//   test = the first test_pairs pairs of test_root in natural order;
// - the remaining pairs of root are shuffled with split_seed and cut 80:20 (validation gets
//   round(20%)) into train and validation parts, of which the first train_pairs / val_pairs are used.
// - with config.mask_root, every selected pair gets the image of its stem there as its mask (a
//   missing folder, a stem without a mask, or a stem selected from both data.root and
//   data.test_root, which one mask folder cannot tell apart, throws naming it and data.mask_root).
// Every selected pair's files are checked by reading their image headers: an unreadable file or an
// original/bokeh/mask size mismatch throws std::runtime_error naming the file(s). Asking for
// more pairs than a part holds throws, naming both numbers.
DatasetSplits list_dataset(const common::DataConfig& config);

// Natural order of names: digit runs compare as numbers, everything else as characters.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace bokeh::training
