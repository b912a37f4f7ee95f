// The --quick and --no-lpips override sets (see spec_profiles.h).
#include "orchestrator/spec/spec_profiles.h"

namespace bokeh::orchestrator {

std::vector<std::string> quick_look_overrides(const std::string& sweep_name) {
  return {"sweep=" + sweep_name + "-quick",
          "data.source=synthetic",
          "data.height=32",
          "data.width=48",
          "data.train_pairs=8",
          "data.val_pairs=4",
          "data.test_pairs=4"};
}

std::vector<std::string> no_lpips_overrides() { return {"loss.lpips=0", "metrics.lpips_weights=\"\""}; }

}  // namespace bokeh::orchestrator
