// Building, validating and memory-mapping the prepared-data cache file (layout in prepared_data.h).
#include "training/data/prepared_data.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "common/atomic_file.h"
#include "common/content_hash.h"
#include "common/seeded_rng.h"
#include "training/data/ebb_reader.h"
#include "training/data/focus_masks.h"
#include "training/data/image_io.h"
#include "training/data/parallel_jobs.h"
#include "training/data/synthetic_renderer.h"

namespace bokeh::training {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'B', 'O', 'K', 'E', 'H', 'P', 'D', '\0'};

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;
  uint64_t key;
  int64_t height, width;
  int64_t counts[3];
  uint64_t checksum;        // of the pairs
  uint64_t masks_checksum;  // of the masks
};
static_assert(sizeof(Header) <= kPreparedHeaderBytes, "header must fit its reserved space");

std::runtime_error file_error(const fs::path& file, const std::string& what) {
  return std::runtime_error(file.string() + ": " + what);
}

std::string system_message() { return std::generic_category().message(errno); }

// The source, every selected file (with its size and modification time), the resolution, the
// subsets and where the masks come from, as text: the cache key is its hash.
std::string key_text(const common::DataConfig& config, const DatasetSplits& splits) {
  std::string text = fmt::format(
      "bokeh prepared data v{}\ndecoder v{}\nsource {}\nsize {}x{}\nsplit_seed {}\n"
      "subsets {} {} {}\n",
      kPreparedFormatVersion, kFittedImageVersion, config.source, config.height, config.width, config.split_seed,
      config.train_pairs, config.val_pairs, config.test_pairs);
  text += config.mask_root.empty() ? fmt::format("masks derived v{}\n", kDerivedMaskVersion)
                                   : fmt::format("masks from {}\n", config.mask_root);
  auto stamp = [](const fs::path& p) {
    return fmt::format("{}\t{}\t{}", p.string(), fs::file_size(p), fs::last_write_time(p).time_since_epoch().count());
  };
  for (const auto* part : {&splits.train, &splits.validation, &splits.test}) {
    text += "split\n";
    for (const PairFiles& pair : *part)
      text += pair.stem + "\t" + stamp(pair.original) + "\t" + stamp(pair.bokeh) +
              (pair.mask.empty() ? "" : "\t" + stamp(pair.mask)) + "\n";
  }
  return text;
}

// Renders the synthetic dataset once into cache_dir/synthetic-<hash>/ (rendered in a temporary
// folder, then renamed, so the folder exists only when complete) and returns that folder.
fs::path ensure_synthetic_dataset(const common::SyntheticConfig& synthetic, const fs::path& cache_dir) {
  const std::string text =
      fmt::format("renderer v{} count {} size {} seed {} focus {:.17g} aperture {:.17g}", kSyntheticRendererVersion,
                  synthetic.count, synthetic.size, synthetic.seed, synthetic.focus, synthetic.aperture);
  const fs::path dir = cache_dir / fmt::format("synthetic-{:016x}", common::hash_text(text));
  if (fs::is_directory(dir)) return dir;
  const fs::path temp = common::temporary_path(dir);
  try {
    write_synthetic_dataset(temp, synthetic);
    std::error_code error;
    fs::rename(temp, dir, error);
    if (error && !fs::is_directory(dir)) throw file_error(dir, "cannot create (" + error.message() + ")");
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    throw;
  }
  std::error_code ignored;
  fs::remove_all(temp, ignored);  // another process completed the same folder first
  return dir;
}

// Decodes one image straight to width x height (read_image_fitted: the smallest JPEG DCT scale,
// a centred crop to the target's aspect, Mitchell-Netravali) and stores it as (3, H, W) at `dst`.
void store_planes(const fs::path& path, int64_t height, int64_t width, uint8_t* dst) {
  const Image image = read_image_fitted(path, width, height);
  const int64_t plane = height * width;
  for (int64_t i = 0; i < plane; ++i)
    for (int64_t c = 0; c < 3; ++c) dst[c * plane + i] = image.rgb[i * 3 + c];
}

}  // namespace

// A whole file mapped into memory (create_size >= 0: a new file of that size is made first);
// unmapped on destruction. The descriptor is closed as soon as the mapping exists. Outside the
// anonymous namespace: PreparedData::Mapping, a member of an exported class, holds one.
class FileMapping {
 public:
  FileMapping(const fs::path& file, int flags, int protection, int64_t create_size) : file_(file) {
    const int fd = ::open(file.c_str(), flags, 0644);
    if (fd < 0) throw file_error(file, "cannot open (" + system_message() + ")");
    struct stat info {};
    // Created files get their blocks now: on a full disk that is an error here, not a SIGBUS when the
    // mapping is written.
    if (create_size > 0) {
      const int error = ::posix_fallocate(fd, 0, create_size);
      if (error != 0) {
        ::close(fd);
        throw common::write_error(file, error);
      }
    }
    if (::fstat(fd, &info) != 0) {
      const std::string message = system_message();
      ::close(fd);
      throw file_error(file, "cannot size (" + message + ")");
    }
    length_ = static_cast<size_t>(info.st_size);
    void* addr = length_ > 0 ? ::mmap(nullptr, length_, protection, MAP_SHARED, fd, 0) : nullptr;
    const std::string message = addr == MAP_FAILED ? system_message() : "";
    ::close(fd);
    if (addr == MAP_FAILED) throw file_error(file, "cannot map (" + message + ")");
    data_ = static_cast<uint8_t*>(addr);
  }
  ~FileMapping() {
    if (data_ != nullptr) ::munmap(data_, length_);
  }
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;

  void sync() const {
    if (data_ != nullptr && ::msync(data_, length_, MS_SYNC) != 0)
      throw file_error(file_, "cannot write (" + system_message() + ")");
  }
  uint8_t* data() const { return data_; }
  size_t length() const { return length_; }

 private:
  fs::path file_;
  uint8_t* data_ = nullptr;
  size_t length_ = 0;
};

namespace {

// The pairs' bytes (inputs and targets of every split), then the masks'.
int64_t pairs_bytes(int64_t height, int64_t width, const int64_t counts[3]) {
  return 2 * (counts[0] + counts[1] + counts[2]) * 3 * height * width;
}
int64_t masks_bytes(int64_t height, int64_t width, const int64_t counts[3]) {
  return (counts[0] + counts[1] + counts[2]) * height * width;
}

// Where one pair's input, target and mask go in the file.
struct PairJob {
  const PairFiles* files;
  int64_t input, target, mask;
};

// Decodes one pair into its places, then its mask: read when given, else derived from the pair.
void store_pair(const PairJob& job, int64_t height, int64_t width, uint8_t* file) {
  store_planes(job.files->original, height, width, file + job.input);
  store_planes(job.files->bokeh, height, width, file + job.target);
  if (!job.files->mask.empty())
    read_focus_mask(job.files->mask, height, width, file + job.mask);
  else
    derive_focus_mask(file + job.input, file + job.target, height, width, file + job.mask);
}

void build_cache(const fs::path& file, uint64_t key, const DatasetSplits& splits, int64_t height, int64_t width) {
  fs::create_directories(file.parent_path());
  const std::array<const std::vector<PairFiles>*, 3> parts{&splits.train, &splits.validation, &splits.test};
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.version = kPreparedFormatVersion;
  header.header_bytes = static_cast<uint32_t>(kPreparedHeaderBytes);
  header.key = key;
  header.height = height;
  header.width = width;
  for (size_t s = 0; s < 3; ++s) header.counts[s] = static_cast<int64_t>(parts[s]->size());
  const int64_t pairs = pairs_bytes(height, width, header.counts), masks = masks_bytes(height, width, header.counts);

  // Every pair's destinations in the file.
  const int64_t image_bytes = 3 * height * width, mask_bytes = height * width;
  std::vector<PairJob> jobs;
  int64_t offset = kPreparedHeaderBytes, mask_offset = kPreparedHeaderBytes + pairs;
  for (const auto* part : parts) {
    const int64_t n = static_cast<int64_t>(part->size());
    for (int64_t j = 0; j < n; ++j)
      jobs.push_back(
          {&(*part)[j], offset + j * image_bytes, offset + (n + j) * image_bytes, mask_offset + j * mask_bytes});
    offset += 2 * n * image_bytes;
    mask_offset += n * mask_bytes;
  }

  const fs::path temp = common::temporary_path(file);
  try {
    {
      FileMapping out(temp, O_RDWR | O_CREAT | O_TRUNC, PROT_READ | PROT_WRITE, kPreparedHeaderBytes + pairs + masks);
      run_parallel_jobs(static_cast<int64_t>(jobs.size()), machine_cores(),
                        [&](int64_t i) { store_pair(jobs[i], height, width, out.data()); });
      header.checksum = common::hash_bytes(out.data() + kPreparedHeaderBytes, static_cast<size_t>(pairs));
      header.masks_checksum = common::hash_bytes(out.data() + kPreparedHeaderBytes + pairs, static_cast<size_t>(masks));
      std::memcpy(out.data(), &header, sizeof header);
      out.sync();
    }
    common::commit_file(temp, file);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw;
  }
}

}  // namespace

struct PreparedData::Mapping {
  explicit Mapping(const fs::path& file) : map(file, O_RDONLY, PROT_READ, -1) {}
  FileMapping map;
};

const char* split_name(Split split) {
  switch (split) {
    case Split::train:
      return "train";
    case Split::validation:
      return "validation";
    case Split::test:
      return "test";
  }
  return "?";
}

std::shared_ptr<const PreparedData> PreparedData::open(const fs::path& file) {
  if (!fs::is_regular_file(file)) throw file_error(file, "no such prepared-data file");
  auto mapping = std::make_shared<const Mapping>(file);
  const size_t length = mapping->map.length();
  if (length < static_cast<size_t>(kPreparedHeaderBytes))
    throw file_error(file,
                     fmt::format("truncated: {} bytes, shorter than the {}-byte header", length, kPreparedHeaderBytes));
  Header header;
  std::memcpy(&header, mapping->map.data(), sizeof header);
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0)
    throw file_error(file, "not a prepared-data file (bad magic)");
  if (header.version != kPreparedFormatVersion)
    throw file_error(file, fmt::format("format version {}, expected {}", header.version, kPreparedFormatVersion));
  if (header.header_bytes != kPreparedHeaderBytes || header.height <= 0 || header.width <= 0 || header.counts[0] < 0 ||
      header.counts[1] < 0 || header.counts[2] < 0)
    throw file_error(file, "corrupt header");
  const int64_t pairs = pairs_bytes(header.height, header.width, header.counts);
  const int64_t masks = masks_bytes(header.height, header.width, header.counts);
  if (static_cast<int64_t>(length) != kPreparedHeaderBytes + pairs + masks)
    throw file_error(file, fmt::format("{} bytes, expected {} (truncated or corrupt)", length,
                                       kPreparedHeaderBytes + pairs + masks));
  const uint8_t* payload = mapping->map.data() + kPreparedHeaderBytes;
  if (common::hash_bytes(payload, static_cast<size_t>(pairs)) != header.checksum)
    throw file_error(file, "payload checksum mismatch (corrupt)");
  if (common::hash_bytes(payload + pairs, static_cast<size_t>(masks)) != header.masks_checksum)
    throw file_error(file, "masks checksum mismatch (corrupt)");

  std::shared_ptr<PreparedData> data(new PreparedData());
  data->mapping_ = std::move(mapping);
  data->file_ = file;
  data->key_ = header.key;
  data->checksum_ = header.checksum;
  data->height_ = header.height;
  data->width_ = header.width;
  for (int s = 0; s < 3; ++s) data->counts_[s] = header.counts[s];
  return data;
}

std::shared_ptr<const PreparedData> PreparedData::prepare(const common::DataConfig& config, const fs::path& cache_dir) {
  if (config.height <= 0 || config.width <= 0)
    throw std::invalid_argument(
        fmt::format("data.height and data.width must be > 0, got {}x{}", config.height, config.width));
  if (const int64_t freed = common::remove_abandoned_temporaries(cache_dir); freed > 0) {
    std::cerr << fmt::format("{}: removed what interrupted preparations left half-written ({:.1f} MB)\n",
                             cache_dir.string(), static_cast<double>(freed) / 1e6);
  }
  common::DataConfig source = config;
  if (config.source == "synthetic") {
    source.root = ensure_synthetic_dataset(config.synthetic, cache_dir).string();
    source.test_root.clear();
    source.mask_root = (fs::path(source.root) / "mask").string();
  } else if (config.source != "ebb") {
    throw std::invalid_argument("data.source must be \"synthetic\" or \"ebb\", got \"" + config.source + "\"");
  }
  const DatasetSplits splits = list_dataset(source);
  const uint64_t key = common::hash_text(key_text(source, splits));
  const fs::path file = cache_dir / fmt::format("prepared-{:016x}.bin", key);
  if (fs::exists(file)) {
    try {
      auto data = open(file);
      if (data->key() == key) return data;
      std::cerr << file.string() << ": key mismatch (corrupt); rebuilding it\n";
    } catch (const std::runtime_error& e) {
      std::cerr << e.what() << "; rebuilding it\n";
    }
  }
  build_cache(file, key, splits, config.height, config.width);
  return open(file);
}

int64_t PreparedData::size(Split split) const { return counts_[static_cast<int>(split)]; }

int64_t PreparedData::pairs_offset(Split split) const {
  int64_t offset = kPreparedHeaderBytes;
  for (int s = 0; s < static_cast<int>(split); ++s) offset += 2 * counts_[s] * 3 * height_ * width_;
  return offset;
}

torch::Tensor PreparedData::inputs(Split split) const { return view(split, pairs_offset(split), 3); }

torch::Tensor PreparedData::targets(Split split) const {
  return view(split, pairs_offset(split) + size(split) * 3 * height_ * width_, 3);
}

torch::Tensor PreparedData::masks(Split split) const {
  int64_t offset = kPreparedHeaderBytes + pairs_bytes(height_, width_, counts_);
  for (int s = 0; s < static_cast<int>(split); ++s) offset += counts_[s] * height_ * width_;
  return view(split, offset, 1);
}

torch::Tensor PreparedData::view(Split split, int64_t offset, int64_t channels) const {
  auto keep_alive = mapping_;
  return torch::from_blob(
      mapping_->map.data() + offset, {size(split), channels, height_, width_}, [keep_alive](void*) {},
      torch::TensorOptions().dtype(torch::kUInt8));
}

}  // namespace bokeh::training
