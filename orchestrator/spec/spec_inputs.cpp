// Checks of the files a spec names (LPIPS weights, EBB!'s folders, the focus masks' folder) with what to do about each.
#include "orchestrator/spec/spec_inputs.h"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "common/lpips_weights_file.h"
#include "orchestrator/spec/spec_profiles.h"

namespace bokeh::orchestrator {
namespace {

namespace fs = std::filesystem;

std::string shell_word(const std::string& word) {
  if (word.find_first_of(" \t'\"$`\\*?;&|<>()") == std::string::npos) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// What is wrong with an EBB!-layout folder, or "".
std::string folder_problem(const std::string& folder) {
  if (!fs::is_directory(folder)) return folder + ": no such folder";
  for (const char* side : {"original", "bokeh"}) {
    if (!fs::is_directory(fs::path(folder) / side)) return fmt::format("{} holds no {}/ folder", folder, side);
  }
  return "";
}

// The EBB! folders' problems, then one explanation of the dataset and its layout.
void add_ebb_problems(const Spec& spec, std::vector<InputProblem>& problems) {
  const common::DataConfig& d = spec.data;
  if (d.source != "ebb") return;
  const size_t before = problems.size();
  if (const std::string p = folder_problem(d.root); !p.empty())
    problems.push_back({spec_location(spec, "data.root"), p});
  if (!d.test_root.empty()) {
    if (const std::string p = folder_problem(d.test_root); !p.empty())
      problems.push_back({spec_location(spec, "data.test_root"), p});
  }
  if (problems.size() == before) return;
  problems.back().message += fmt::format(
      "\n  This spec trains on EBB! (\"Everything is Better with Bokeh!\", Ignatov, Patel & Timofte 2020: the data "
      "of the AIM 2020 bokeh rendering challenge), which cannot be shipped here; get it from its authors' "
      "challenge release."
      "\n  Expected layout: data.root ({}) is EBB!'s Training folder, with Training/original/N.jpg and "
      "Training/bokeh/N.jpg (N = 0..4693, matched by file stem); data.test_root ({}) is the folder EBB! labels "
      "validation, with the same original/ and bokeh/ inside (the study's 200 test pairs).",
      d.root, d.test_root.empty() ? "not set: the test pairs then come from data.root" : d.test_root);
}

// The focus masks' folder, when an EBB! spec names one.
void add_mask_problem(const Spec& spec, std::vector<InputProblem>& problems) {
  const std::string& masks = spec.data.mask_root;
  if (spec.data.source != "ebb" || masks.empty() || fs::is_directory(masks)) return;
  problems.push_back({spec_location(spec, "data.mask_root"),
                      masks + ": no such folder (data.mask_root: the focus masks, 8-bit grayscale images named "
                              "by their pair's stem; leave it out to derive them from the pairs)"});
}

void add_lpips_problem(const Spec& spec, std::vector<InputProblem>& problems) {
  if (spec.lpips_weights.empty()) return;
  try {
    common::read_lpips_weight_values(spec.lpips_weights);
  } catch (const std::runtime_error& e) {
    problems.push_back(
        {spec_location(spec, "metrics.lpips_weights"),
         e.what() + fmt::format("\n  LPIPS ('alex' v0.1) needs torchvision's AlexNet and the LPIPS lin layers, "
                                "which cannot be downloaded at run time. Make the file once on a machine with "
                                "internet: pip install lpips && python3 tools/export_lpips_weights.py {}"
                                "\n  Or run without LPIPS: {} trains with loss.lpips = 0 and reports test LPIPS "
                                "as \"–\".",
                                spec.lpips_weights, kNoLpipsFlag)});
  }
}

}  // namespace

std::vector<InputProblem> spec_input_problems(const Spec& spec) {
  std::vector<InputProblem> problems;
  add_ebb_problems(spec, problems);
  add_mask_problem(spec, problems);
  const size_t ebb_problems = problems.size();
  add_lpips_problem(spec, problems);
  if (problems.empty()) return problems;
  const bool ebb_missing = ebb_problems > 0, lpips_missing = problems.size() > ebb_problems;

  std::string command = "build/sweep " + shell_word(spec.file);
  for (const std::string& o : spec.overrides) command += " --set " + shell_word(o);
  if (ebb_missing) command += std::string(" ") + kQuickFlag;
  if (lpips_missing) command += std::string(" ") + kNoLpipsFlag;
  problems.back().message += "\n  A command that runs this spec here and now: " + command;
  if (ebb_missing) problems.back().message += " (--quick: the built-in synthetic pairs at 32x48; README.md)";
  return problems;
}

Spec check_spec_inputs(Spec spec) {
  const std::vector<InputProblem> problems = spec_input_problems(spec);
  if (problems.empty()) return spec;
  std::string message = problems.front().message;
  for (size_t i = 1; i < problems.size(); ++i)
    message += "\n" + std::string(SpecError(problems[i].where, problems[i].message).what());
  throw SpecError(problems.front().where, message);
}

}  // namespace bokeh::orchestrator
