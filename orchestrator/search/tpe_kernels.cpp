// The TPE proposal: the split, two Parzen mixtures of product kernels (truncated normals on [0, 1] for
// continuous coordinates, smoothed indicators for choices), candidates drawn from the good side and
// ranked by the log density ratio.
#include "orchestrator/search/tpe_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "common/seeded_rng.h"
#include "orchestrator/spec/choice_mapping.h"

namespace bokeh::orchestrator {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kBandwidthFactor = 0.2;  // sigma = 0.2 * n^(-1/(d+4)), as Optuna's multivariate estimator
constexpr int kRampAfter = 25;            // observations beyond the newest 25 weigh less, linearly with age

// The proposal's random stream: common's SplitMix64 seeded by (seed, trial), with Box-Muller normals.
class Stream {
 public:
  Stream(uint64_t seed, uint64_t trial) : rng_(seed * 0x9E3779B97F4A7C15ULL ^ (trial + 0x632BE59BD9B4E019ULL)) {}
  double unit() { return rng_.uniform(); }  // [0, 1)
  double normal() {
    const double u = 1.0 - unit(), v = unit();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * kPi * v);
  }

 private:
  common::SeededRng rng_;
};

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// One side's mixture: kernel i centred at observation i (the last kernel is the prior).
struct Mixture {
  std::vector<std::vector<double>> centres;  // unit points; the prior's centre is 0.5 everywhere
  std::vector<double> log_weights;
  double sigma = 1;  // continuous coordinates' bandwidth (the prior's is 1)
  double prior_weight = 1;
  // Per kernel, what a continuous coordinate's log density subtracts whatever x is: log(s sqrt(2 pi)),
  // and per coordinate the log of the normal's mass on [0, 1]; computed once per fit, not per candidate.
  std::vector<double> log_scale;
  std::vector<std::vector<double>> log_mass;

  size_t prior() const { return centres.size() - 1; }

  void normalise() {
    const size_t n = centres.size();
    log_scale.assign(n, 0);
    log_mass.assign(n, std::vector<double>(centres[0].size()));
    for (size_t i = 0; i < n; ++i) {
      const double s = i == prior() ? 1.0 : sigma;
      log_scale[i] = std::log(s * std::sqrt(2.0 * kPi));
      for (size_t d = 0; d < centres[i].size(); ++d) {
        const double mu = i == prior() ? 0.5 : centres[i][d];
        const double mass = normal_cdf((1.0 - mu) / s) - normal_cdf(-mu / s);
        log_mass[i][d] = std::log(std::max(mass, 1e-300));
      }
    }
  }

  double log_kernel(size_t i, size_t d, const TpeDimension& dim, double x) const {
    if (dim.choices > 0) {
      const double k = dim.choices;
      if (i == prior()) return -std::log(k);
      const bool same = choice_category(x, dim.choices) == choice_category(centres[i][d], dim.choices);
      return std::log(((same ? 1.0 : 0.0) + prior_weight / k) / (1.0 + prior_weight));
    }
    const double mu = i == prior() ? 0.5 : centres[i][d], s = i == prior() ? 1.0 : sigma;
    const double z = (x - mu) / s;
    return -0.5 * z * z - log_scale[i] - log_mass[i][d];
  }

  double log_density(const std::vector<TpeDimension>& dims, const std::vector<double>& x) const {
    double best = -std::numeric_limits<double>::infinity();
    std::vector<double> terms(centres.size());
    for (size_t i = 0; i < centres.size(); ++i) {
      double t = log_weights[i];
      for (size_t d = 0; d < dims.size(); ++d) t += log_kernel(i, d, dims[d], x[d]);
      terms[i] = t;
      best = std::max(best, t);
    }
    double sum = 0;
    for (double t : terms) sum += std::exp(t - best);
    return best + std::log(sum);
  }

  std::vector<double> sample(const std::vector<TpeDimension>& dims, Stream& stream) const {
    double u = stream.unit(), acc = 0;
    size_t pick = prior();
    for (size_t i = 0; i < centres.size(); ++i) {
      acc += std::exp(log_weights[i]);
      if (u < acc) {
        pick = i;
        break;
      }
    }
    std::vector<double> x(dims.size());
    for (size_t d = 0; d < dims.size(); ++d) {
      if (dims[d].choices > 0) {  // the kernel's own category with its smoothed probability, else uniform
        const int k = dims[d].choices;
        const double p_own = pick == prior() ? 0.0 : 1.0 / (1.0 + prior_weight);
        const int c =
            stream.unit() < p_own ? choice_category(centres[pick][d], k) : static_cast<int>(stream.unit() * k);
        x[d] = choice_centre(std::min(c, k - 1), k);
        continue;
      }
      const double mu = pick == prior() ? 0.5 : centres[pick][d], s = pick == prior() ? 1.0 : sigma;
      double v = mu;
      for (int attempt = 0; attempt < 1000; ++attempt) {  // rejection: the mass on [0, 1] is at least 0.34
        v = mu + s * stream.normal();
        if (v >= 0 && v < 1) break;
      }
      x[d] = std::clamp(v, 0.0, std::nextafter(1.0, 0.0));
    }
    return x;
  }
};

// Observations in trial order (index order), weights ramped for old ones as Optuna's default_weights.
Mixture fit(const std::vector<const TpeObservation*>& group, size_t dims, const TpeOptions& options) {
  Mixture m;
  m.prior_weight = options.prior_weight;
  const size_t n = group.size();
  std::vector<double> w(n, 1.0);
  if (n > static_cast<size_t>(kRampAfter)) {
    const size_t ramp = n - kRampAfter;
    for (size_t i = 0; i < ramp; ++i)
      w[i] = 1.0 / static_cast<double>(n) + (1.0 - 1.0 / static_cast<double>(n)) * static_cast<double>(i) /
                                                static_cast<double>(std::max<size_t>(ramp - 1, 1));
  }
  w.push_back(options.prior_weight);
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (const TpeObservation* o : group) m.centres.push_back(o->unit);
  m.centres.emplace_back(dims, 0.5);
  for (double x : w) m.log_weights.push_back(std::log(x / total));
  const double kernels = static_cast<double>(n + 1);
  m.sigma = std::clamp(kBandwidthFactor * std::pow(kernels, -1.0 / (static_cast<double>(dims) + 4.0)),
                       1.0 / std::min(100.0, kernels), 1.0);
  m.normalise();
  return m;
}

}  // namespace

int tpe_below_count(int n, const TpeOptions& options) {
  const int below = static_cast<int>(std::ceil(options.gamma * n));
  return std::max(1, std::min(below, options.max_below));
}

TpeProposal tpe_propose(const std::vector<TpeDimension>& dimensions, const std::vector<TpeObservation>& observations,
                        uint64_t seed, uint64_t trial, const TpeOptions& options) {
  std::vector<size_t> order(observations.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return observations[a].value < observations[b].value; });
  const auto finite = static_cast<int>(
      std::count_if(observations.begin(), observations.end(), [](const auto& o) { return std::isfinite(o.value); }));
  if (finite == 0) throw std::invalid_argument("tpe: no observation with a finite value to learn from");
  const int below = std::min(tpe_below_count(static_cast<int>(observations.size()), options), finite);
  std::vector<bool> good(observations.size(), false);
  for (int i = 0; i < below; ++i) good[order[static_cast<size_t>(i)]] = true;
  std::vector<const TpeObservation*> l_group, g_group;  // each in trial order
  for (size_t i = 0; i < observations.size(); ++i) (good[i] ? l_group : g_group).push_back(&observations[i]);
  const Mixture l = fit(l_group, dimensions.size(), options), g = fit(g_group, dimensions.size(), options);

  Stream stream(seed, trial);
  std::vector<std::vector<double>> drawn;
  std::vector<double> scores;
  for (int c = 0; c < options.candidates; ++c) {
    drawn.push_back(l.sample(dimensions, stream));
    const double score = l.log_density(dimensions, drawn.back()) - g.log_density(dimensions, drawn.back());
    scores.push_back(std::isnan(score) ? -std::numeric_limits<double>::infinity() : score);
  }
  std::vector<size_t> rank(drawn.size());
  std::iota(rank.begin(), rank.end(), 0);
  std::stable_sort(rank.begin(), rank.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  TpeProposal proposal;
  for (size_t r : rank) proposal.candidates.push_back(std::move(drawn[r]));
  proposal.below = static_cast<int>(l_group.size());
  proposal.above = static_cast<int>(g_group.size());
  return proposal;
}

}  // namespace bokeh::orchestrator
