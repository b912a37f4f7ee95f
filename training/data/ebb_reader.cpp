// EBB!-layout folder listing (stems matched by stem_matching.h), natural ordering and the seeded
// train/validation/test split.
#include "training/data/ebb_reader.h"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <set>
#include <stdexcept>

#include "common/seeded_rng.h"
#include "common/split_sizes.h"
#include "training/data/image_io.h"
#include "training/data/stem_matching.h"

namespace bokeh::training {

namespace fs = std::filesystem;

namespace {

std::vector<PairFiles> take_first(const std::vector<PairFiles>& pairs, int64_t count, const std::string& part,
                                  const std::string& field) {
  if (count < 0) throw std::runtime_error("data." + field + " must be >= 0, got " + std::to_string(count));
  if (count > static_cast<int64_t>(pairs.size()))
    throw std::runtime_error("data." + field + " asks for " + std::to_string(count) + " pairs but the " + part +
                             " part holds " + std::to_string(pairs.size()));
  return {pairs.begin(), pairs.begin() + count};
}

void check_same_size(const fs::path& original, const fs::path& other) {
  const auto want = read_image_size(original);
  const auto got = read_image_size(other);
  if (want != got)
    throw std::runtime_error("size mismatch: " + original.string() + " is " + std::to_string(want.first) + "x" +
                             std::to_string(want.second) + " but " + other.string() + " is " +
                             std::to_string(got.first) + "x" + std::to_string(got.second));
}

void check_pair(const PairFiles& pair) {
  check_same_size(pair.original, pair.bokeh);
  if (!pair.mask.empty()) check_same_size(pair.original, pair.mask);
}

// Each selected pair's mask: the image of its stem in mask_root.
void attach_masks(DatasetSplits& splits, const fs::path& mask_root, bool separate_test_root) {
  if (!fs::is_directory(mask_root)) throw std::runtime_error(mask_root.string() + ": no such folder (data.mask_root)");
  const auto masks = images_by_stem(mask_root);
  std::set<std::string> from_root;
  for (const auto* part : {&splits.train, &splits.validation})
    for (const PairFiles& pair : *part) from_root.insert(pair.stem);
  for (auto* part : {&splits.train, &splits.validation, &splits.test})
    for (PairFiles& pair : *part) {
      if (separate_test_root && part == &splits.test && from_root.count(pair.stem) != 0)
        throw std::runtime_error(pair.original.string() + ": stem '" + pair.stem +
                                 "' is selected from both data.root and data.test_root; one data.mask_root cannot "
                                 "tell their masks apart");
      const auto mask = masks.find(pair.stem);
      if (mask == masks.end())
        throw std::runtime_error(pair.original.string() + ": no mask with stem '" + pair.stem + "' in " +
                                 mask_root.string() + " (data.mask_root)");
      pair.mask = mask->second;
    }
}

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      size_t is = i, js = j;  // skip leading zeros, then the longer number is larger
      while (is + 1 < ie && a[is] == '0') ++is;
      while (js + 1 < je && b[js] == '0') ++js;
      if (ie - is != je - js) return ie - is < je - js;
      const int c = a.compare(is, ie - is, b, js, je - js);
      if (c != 0) return c < 0;
      i = ie, j = je;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i, ++j;
    }
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;  // equal up to leading zeros: any fixed tie-break
}

std::vector<PairFiles> list_pairs(const fs::path& root) {
  if (!fs::is_directory(root)) throw std::runtime_error(root.string() + ": no such folder");
  std::vector<PairFiles> pairs;
  for (StemMatch& m : match_by_stem(root / "original", root / "bokeh", "original", "bokeh"))
    pairs.push_back({std::move(m.stem), std::move(m.left), std::move(m.right), {}});
  std::sort(pairs.begin(), pairs.end(),
            [](const PairFiles& l, const PairFiles& r) { return natural_less(l.stem, r.stem); });
  return pairs;
}

DatasetSplits list_dataset(const common::DataConfig& config) {
  if (config.root.empty())
    throw std::runtime_error("data.root is empty: set it to the folder holding original/ and bokeh/");
  std::vector<PairFiles> pool = list_pairs(config.root);
  DatasetSplits splits;
  if (config.test_root.empty()) {
    if (config.test_pairs > static_cast<int64_t>(pool.size()))
      throw std::runtime_error("data.test_pairs asks for " + std::to_string(config.test_pairs) + " pairs but " +
                               config.root + " holds " + std::to_string(pool.size()));
    const std::vector<PairFiles> tail(pool.end() - std::max<int64_t>(config.test_pairs, 0), pool.end());
    splits.test = take_first(tail, config.test_pairs, "test", "test_pairs");
    pool.resize(pool.size() - splits.test.size());
  } else {
    splits.test = take_first(list_pairs(config.test_root), config.test_pairs, "test root", "test_pairs");
  }

  common::SeededRng rng(common::derive_seed(config.split_seed, 0x5B117ULL));
  for (size_t i = pool.size(); i > 1; --i) std::swap(pool[i - 1], pool[rng.below(i)]);  // Fisher-Yates
  const auto val_count = static_cast<size_t>(common::validation_part_size(static_cast<int64_t>(pool.size())));
  const std::vector<PairFiles> train_part(pool.begin(), pool.end() - val_count);
  const std::vector<PairFiles> val_part(pool.end() - val_count, pool.end());
  splits.train = take_first(train_part, config.train_pairs, "80% train", "train_pairs");
  splits.validation = take_first(val_part, config.val_pairs, "20% validation", "val_pairs");

  if (!config.mask_root.empty()) attach_masks(splits, config.mask_root, !config.test_root.empty());
  for (const auto* part : {&splits.train, &splits.validation, &splits.test})
    for (const PairFiles& pair : *part) check_pair(pair);
  return splits;
}

}  // namespace bokeh::training
