// The spec's `data:`, `resources:` and `references:` sections (spec_sections.h).
#include "orchestrator/spec/spec_sections.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "common/split_sizes.h"

namespace bokeh::orchestrator {
namespace {

// The optional numeric cell of a reference row: null and "?" mean unknown.
bool unknown_cell(const YAML::Node& value) { return value.IsNull() || (value.IsScalar() && value.Scalar() == "?"); }

// `data.synthetic`; each key's place into `where` as "synthetic.KEY".
void read_synthetic(const YamlReader& r, const YamlEntry& e, common::SyntheticConfig& s,
                    std::map<std::string, SourceLocation>& where) {
  for (const YamlEntry& f : r.entries(e.value, e.key, e.path)) {
    r.require_known(f, {"count", "size", "seed", "focus", "aperture"});
    where["synthetic." + f.name] = r.at(f.key, f.path);
    if (f.name == "count")
      s.count = r.integer(f.value, f.key, f.path, 1);
    else if (f.name == "size")
      s.size = r.integer(f.value, f.key, f.path, 1);
    else if (f.name == "seed")
      s.seed = static_cast<uint64_t>(r.integer(f.value, f.key, f.path, 0));
    else {
      const double v = r.real(f.value, f.key, f.path);
      if (v < 0 || (f.name == "focus" && v > 1)) {
        r.fail(f.key, f.path, fmt::format("must be in {} (got {})", f.name == "focus" ? "[0, 1]" : ">= 0", v));
      }
      (f.name == "focus" ? s.focus : s.aperture) = v;
    }
  }
}

}  // namespace

void read_data(const YamlReader& r, const YamlEntry& e, Spec& spec) {
  common::DataConfig& d = spec.data;
  std::map<std::string, SourceLocation> where;
  for (const YamlEntry& f : r.entries(e.value, e.key, e.path)) {
    r.require_known(f, {"source", "root", "test_root", "mask_root", "height", "width", "train_pairs", "val_pairs",
                        "test_pairs", "split_seed", "synthetic"});
    where[f.name] = r.at(f.key, f.path);
    const auto count = [&](int64_t min) { return r.integer(f.value, f.key, f.path, min); };
    if (f.name == "source")
      d.source = r.choice(f.value, f.key, f.path, {"synthetic", "ebb"});
    else if (f.name == "root")
      d.root = r.string(f.value, f.key, f.path);
    else if (f.name == "test_root")
      d.test_root = r.string(f.value, f.key, f.path);
    else if (f.name == "mask_root")
      d.mask_root = r.string(f.value, f.key, f.path);
    else if (f.name == "height")
      d.height = count(1);
    else if (f.name == "width")
      d.width = count(1);
    else if (f.name == "train_pairs")
      d.train_pairs = count(1);
    else if (f.name == "val_pairs")
      d.val_pairs = count(1);
    else if (f.name == "test_pairs")
      d.test_pairs = count(1);
    else if (f.name == "split_seed")
      d.split_seed = static_cast<uint64_t>(count(0));
    else
      read_synthetic(r, f, d.synthetic, where);
  }
  for (const auto& [key, place] : where) spec.locations["data." + key] = place;
  const auto place = [&](const std::string& key) {  // the key's line, else the line of `data:`
    auto it = where.find(key);
    if (it != where.end()) return it->second;
    SourceLocation data = r.at(e.key, e.path);
    data.key = "data." + key;
    return data;
  };
  if (d.source == "ebb" && d.root.empty()) {
    throw SpecError(place("root"),
                    "data.source is ebb but data.root is missing: give the folder holding "
                    "original/ and bokeh/ (see sweeps/README.md)");
  }
}

void size_synthetic_data(Spec& spec) {
  common::DataConfig& d = spec.data;
  const int64_t needed = common::pairs_needed(d.train_pairs, d.val_pairs, d.test_pairs);
  const auto given = spec.locations.find("data.synthetic.count");
  if (given == spec.locations.end()) {
    d.synthetic.count = needed;
  } else if (d.synthetic.count < needed) {
    throw SpecError(given->second,
                    fmt::format("renders {} pairs but {} train / {} validation / {} test pairs need {} (the "
                                "test pairs, then an 80:20 train/validation split of the rest); leave "
                                "data.synthetic.count out to render what the splits need",
                                d.synthetic.count, d.train_pairs, d.val_pairs, d.test_pairs, needed));
  }
}

Resources read_resources(const YamlReader& r, const YamlEntry& e) {
  Resources res;
  for (const YamlEntry& f : r.entries(e.value, e.key, e.path)) {
    r.require_known(f, {"device", "threads", "max_attempts", "ranks_per_run", "runs_per_gpu", "stall_minutes"});
    if (f.name == "device")
      res.device = r.choice(f.value, f.key, f.path, {"auto", "cpu", "cuda"});
    else if (f.name == "threads")
      res.threads = r.integer(f.value, f.key, f.path, 0);
    else if (f.name == "max_attempts")
      res.max_attempts = r.integer(f.value, f.key, f.path, 1);
    else if (f.name == "ranks_per_run")
      res.ranks_per_run = r.integer(f.value, f.key, f.path, 1);
    else if (f.name == "stall_minutes") {
      res.stall_minutes = r.real(f.value, f.key, f.path);
      if (!(res.stall_minutes > 0 && res.stall_minutes <= kMaxStallMinutes))
        r.fail(f.key, f.path, fmt::format("must be in (0, {}] minutes (got {})", kMaxStallMinutes, res.stall_minutes));
    } else
      res.runs_per_gpu = r.integer(f.value, f.key, f.path, 1);
  }
  if (res.runs_per_gpu > 1 && res.ranks_per_run > 1)
    r.fail(e.key, e.path,
           fmt::format("sets runs_per_gpu {} and ranks_per_run {}: the ranks of a group would share a GPU "
                       "(NCCL needs one GPU per rank); use one or the other",
                       res.runs_per_gpu, res.ranks_per_run));
  return res;
}

std::vector<common::Reference> read_references(const YamlReader& r, const YamlEntry& e) {
  std::vector<common::Reference> references;
  if (!e.value.IsSequence()) r.fail(e.key, e.path, "must be a list of published rows ({name, source, ...})");
  for (size_t i = 0; i < e.value.size(); ++i) {
    const YAML::Node item = e.value[i];
    const std::string path = fmt::format("references[{}]", i);
    common::Reference ref;
    const std::map<std::string, std::optional<double>*> cells = {{"params_m", &ref.params_m},
                                                                 {"runtime_min", &ref.runtime_min},
                                                                 {"psnr", &ref.psnr},
                                                                 {"ssim", &ref.ssim},
                                                                 {"lpips", &ref.lpips}};
    for (const YamlEntry& f : r.entries(item, item, path)) {
      r.require_known(f, {"name", "source", "epochs", "params_m", "runtime_min", "psnr", "ssim", "lpips"});
      if (f.name == "name")
        ref.name = r.string(f.value, f.key, f.path);
      else if (f.name == "source")
        ref.source = r.string(f.value, f.key, f.path);
      else if (unknown_cell(f.value))
        continue;
      else if (f.name == "epochs")
        ref.epochs = r.integer(f.value, f.key, f.path, 1);
      else {
        const double v = r.real(f.value, f.key, f.path);
        if (v < 0) r.fail(f.key, f.path, fmt::format("must be >= 0 (got {})", v));
        *cells.at(f.name) = v;
      }
    }
    if (ref.name.empty()) r.fail(item, path + ".name", "missing: every reference row has a name");
    if (ref.source.empty()) {
      r.fail(item, path + ".source", "missing: every reference row says where it was published");
    }
    references.push_back(std::move(ref));
  }
  return references;
}

}  // namespace bokeh::orchestrator
