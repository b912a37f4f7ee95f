// The --quick and --no-lpips override sets (see spec_profiles.h).
#include "orchestrator/spec/spec_profiles.h"

namespace bokeh::orchestrator {

std::vector<std::string> quick_look_overrides(const std::string& sweep_name, int64_t pooling_factor,
                                              const std::vector<std::string>& spec_quick) {
  const auto side = [&](int64_t pixels) { return (pixels + pooling_factor - 1) / pooling_factor * pooling_factor; };
  std::vector<std::string> sets = {"sweep=" + sweep_name + "-quick",
                                   "data.source=synthetic",
                                   "data.height=" + std::to_string(side(32)),
                                   "data.width=" + std::to_string(side(48)),
                                   "data.train_pairs=8",
                                   "data.val_pairs=4",
                                   "data.test_pairs=4"};
  sets.insert(sets.end(), spec_quick.begin(), spec_quick.end());
  return sets;
}

std::vector<std::string> no_lpips_overrides() { return {"loss.lpips=0", "metrics.lpips_weights=\"\""}; }

}  // namespace bokeh::orchestrator
