// The documented commands, run as a new user would: every command line in the fenced code blocks of
// README.md and sweeps/README.md, in the order the docs give them, from a scratch folder that holds
// the built tools (build/) and the repository's sweeps/, tools/ and scripts/. A documented command
// that fails fails this test. Commands that cannot run here are skipped by name below, each with its
// reason (printed); the demo's sweeps run at a tiny size. An entry below that no longer matches a
// documented command fails the test too, so the lists cannot outlive the docs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/process_runner.h"

namespace fs = std::filesystem;
using bokeh::test::TempDir;

namespace {

// Documented commands that need what this machine has not got, with the reason.
const std::map<std::string, std::string> kSkipped = {
    {"scripts/demo", "installs packages and rebuilds build/, the folder this test runs from (CI builds it)"},
    {"scripts/test", "is CI itself: it runs this test"},
    {"mpirun -n 4 build/sweep sweeps/table1.yaml", "needs EBB! (the study's data, not shipped)"},
    {"mpirun --hostfile hosts -n 9 build/sweep sweeps/table1.yaml --db /shared/bokeh/results/sweeps.db "
     "--set resources.ranks_per_run=2",
     "needs several nodes, a shared filesystem and EBB!"},
    {"srun --nodes=2 --ntasks=9 --gpus-per-node=4 build/sweep sweeps/table1.yaml --db /shared/bokeh/results/sweeps.db",
     "needs Slurm, GPU nodes and EBB!"},
    {"sbatch --nodes=2 --ntasks-per-node=5 --gpus-per-node=4 --time=24:00:00 scripts/slurm/sweep.sbatch "
     "sweeps/table1.yaml",
     "needs Slurm, GPU nodes and EBB!"},
    {"sbatch --ntasks=2 --time=1:00:00 scripts/slurm/sweep.sbatch sweeps/demo.yaml --set resources.device=cpu",
     "needs Slurm (ctest -L slurm runs it on a one-node cluster)"},
    {"scripts/gpu-deps", "downloads 15 MiB of Debian packages; run by hand before a GPU call"},
    {"scripts/gpu-check", "needs a GPU"},
    {"scripts/gpu-check --dry-run",
     "builds the GPU check's targets in a second build folder (minutes); ctest's gpu/bare-image-configures-from-"
     "carried-deps checks the same configure"},
    {"scripts/gpu-rehearsal", "needs root, unshare and .gpu-deps/ (minutes); its configure-only form is a ctest"},
    {"scripts/build --cuda", "needs PyTorch's CUDA wheel (a GPU machine)"},
    {"mpirun -n 5 build-cuda/sweep sweeps/table1.yaml --set resources.runs_per_gpu=4",
     "needs a GPU, the CUDA build and EBB!"},
    {"bench/gpu_vs_pytorch", "needs a GPU and PyTorch's CUDA wheel"},
    {"pip install lpips", "needs internet"},
    {"ssh -N -L 8080:127.0.0.1:8080 you@cluster", "needs a cluster to tunnel to"},
    {"build/report --serve --db /shared/bokeh/results/sweeps.db", "needs a cluster's shared filesystem"},
    {"build/metrics PRED TARGET --masks MASKS --json",
     "needs grayscale masks named like the pairs (synth writes none); tests/training/test_focus_metrics_command.cpp "
     "runs it on masks it writes"},
    {"python3 tools/export_lpips_weights.py results/lpips_alex_v0.1.bin",
     "needs torchvision's AlexNet weights and the lpips package (internet)"},
    {"pip install tensorboard optuna-dashboard", "needs internet (tests/reports/export reads the exports with both)"},
    {"tensorboard --logdir results/tb", "a server, from PyPI; tests/reports/export reads the folder with TensorBoard"},
    {"optuna-dashboard results/demo.journal",
     "a server, from PyPI; tests/reports/export loads the journal with Optuna"},
};

// A server runs until it is stopped: it runs for a few seconds on any free port, and must have said
// where it serves by then.
const std::string kServe = "build/report --serve";
const std::string kServing = "report: serving http://127.0.0.1:";

// Placeholders in documented commands and the files of this run that stand for them.
const std::vector<std::pair<std::string, std::string>> kPlaceholders = {
    {" PRED TARGET", " synth/original synth/bokeh"}};

// The demo's sweeps run at a tiny size (a full demo takes minutes): 8/4/4 pairs, 1 epoch; a quick
// look (--quick) at 1 epoch per run (its runs' own epochs, up to 30, take minutes on a loaded machine)
// and without timing inference (a 1024x1536 pass per run: table4.yaml's).
const std::string kDemoSweep = "build/sweep sweeps/demo.yaml";
const std::string kRepeatsSweep = "build/sweep sweeps/demo_repeats.yaml";  // 12 runs: tiny too
const std::string kTiny =
    " --set data.train_pairs=8 --set data.val_pairs=4 --set data.test_pairs=4 --set train.epochs=1";
const std::string kOneEpoch = " --set train.epochs=1 --set metrics.inference_repeats=0";

struct Documented {
  std::string command;
  std::string where;  // file:line
};

// Command lines of the fenced blocks without a language (or sh/bash/console) in `file`: in a block
// that shows a session ("$ " prompts) only the prompted lines; otherwise every line but comments.
// A trailing " # comment" is dropped and a trailing backslash joins the next line.
std::vector<Documented> documented_commands(const fs::path& file, const std::string& name) {
  std::ifstream in(file);
  REQUIRE(in);
  std::vector<std::vector<std::pair<std::string, int>>> blocks;
  bool inside = false, commands = false;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.rfind("```", 0) == 0) {
      const std::string language = line.substr(3);
      if (!inside) commands = language.empty() || language == "sh" || language == "bash" || language == "console";
      if (!inside && commands) blocks.emplace_back();
      inside = !inside;
    } else if (inside && commands) {
      blocks.back().emplace_back(line, number);
    }
  }
  const std::regex comment(R"(\s+#\s.*$)");
  std::vector<Documented> out;
  for (const auto& block : blocks) {
    bool session = false;
    for (const auto& [text, n] : block) session = session || text.rfind("$ ", 0) == 0;
    std::string pending;
    int first = 0;
    for (const auto& [raw, n] : block) {
      std::string text = raw;
      if (pending.empty()) {
        if (session && text.rfind("$ ", 0) != 0) continue;
        if (session) text = text.substr(2);
        if (text.find_first_not_of(' ') == std::string::npos || text[text.find_first_not_of(' ')] == '#') continue;
        first = n;
      }
      text = std::regex_replace(text, comment, "");
      const bool continued = !text.empty() && text.back() == '\\';
      if (continued) text.erase(text.find_last_not_of(" \\") + 1);
      pending += pending.empty() ? text : " " + text.substr(text.find_first_not_of(' '));
      if (continued) continue;
      pending.erase(pending.find_last_not_of(' ') + 1);
      out.push_back({pending, name + ":" + std::to_string(first)});
      pending.clear();
    }
  }
  return out;
}

// The command as this test runs it.
std::string as_run(std::string command, std::set<std::string>& used_placeholders) {
  for (const auto& [placeholder, value] : kPlaceholders) {
    const size_t at = command.find(placeholder);
    if (at == std::string::npos) continue;
    command.replace(at, placeholder.size(), value);
    used_placeholders.insert(placeholder);
  }
  if (command.find("--dry-run") != std::string::npos) return command;
  if (command.rfind(kServe, 0) == 0) return "timeout 5 " + command + " --port 0";
  if (command.rfind(kDemoSweep, 0) == 0 || command.rfind(kRepeatsSweep, 0) == 0) return command + kTiny;
  if (command.rfind("build/sweep ", 0) == 0 && command.find(" --quick") != std::string::npos)
    return command + kOneEpoch;
  return command;
}

}  // namespace

TEST_CASE("every command in README.md and sweeps/README.md runs as documented", "[docs]") {
  const fs::path source(BOKEH_SOURCE_DIR);
  std::vector<Documented> commands = documented_commands(source / "README.md", "README.md");
  for (const Documented& d : documented_commands(source / "sweeps" / "README.md", "sweeps/README.md"))
    commands.push_back(d);

  TempDir sandbox;
  const fs::path home = sandbox.path();
  fs::create_directory_symlink(BOKEH_BUILD_DIR, home / "build");
  for (const char* folder : {"sweeps", "tools", "scripts"})
    fs::create_directory_symlink(source / folder, home / folder);
  // The files the documented commands name: a photo to render and a folder pair to measure.
  const auto synth =
      bokeh::test::run_command("cd '" + home.string() + "' && build/synth --out synth --count 2 --size 64");
  REQUIRE(synth.status == 0);
  fs::copy_file(home / "synth" / "original" / "0.png", home / "photo.jpg");

  std::set<std::string> skipped, placeholders;
  int ran = 0;
  for (const Documented& d : commands) {
    if (const auto skip = kSkipped.find(d.command); skip != kSkipped.end()) {
      std::cout << "skipped (" << d.where << "): " << d.command << ": " << skip->second << "\n";
      skipped.insert(d.command);
      continue;
    }
    const std::string command = as_run(d.command, placeholders);
    std::cout << "running (" << d.where << "): " << command << std::endl;
    const auto result = bokeh::test::run_command("cd '" + home.string() +
                                                 "' && OMPI_ALLOW_RUN_AS_ROOT=1 "
                                                 "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 " +
                                                 command);
    INFO(d.where << ": " << command << "\n" << result.output);
    if (command.find(kServe) != std::string::npos) {
      CHECK(result.status == 124);  // stopped by timeout, still serving
      CHECK(result.output.find(kServing) != std::string::npos);
    } else {
      CHECK(result.status == 0);
    }
    ++ran;
  }
  for (const auto& [command, reason] : kSkipped) {
    INFO("skip-listed but not documented any more: " << command);
    CHECK(skipped.count(command) == 1);
  }
  for (const auto& [placeholder, value] : kPlaceholders) {
    INFO("placeholder no longer documented: " << placeholder);
    CHECK(placeholders.count(placeholder) == 1);
  }
  CHECK(ran >= 15);  // the docs' runnable commands were found (sweeps, reports, render, metrics)
}
