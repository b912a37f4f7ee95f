// Multivariate Tree-structured Parzen Estimator (Bergstra et al. 2011; the joint form of Falkner et al.
// 2018 and Optuna's `multivariate=True`) over the unit cube that the samplers map onto a search space
// (orchestrator/plan/search_points.h): observations are split into the best γ and the rest, each side is a
// mixture of product kernels (one per observation, plus a prior), and the proposal is the candidates
// drawn from the good side's mixture ranked by log l(x) − log g(x), best first. Pure and deterministic:
// the randomness is a stream seeded by (seed, trial). The rules (split, weights, bandwidth, prior) are
// stated in sweeps/README.md, "search.method: tpe".
#pragma once

#include <cstdint>
#include <vector>

namespace bokeh::orchestrator {

// One coordinate of the unit cube: continuous on [0, 1] (choices = 0), or a choice of `choices`
// values (category c covers [c/choices, (c+1)/choices)).
struct TpeDimension {
  int choices = 0;
};

// A trial's unit point and its objective (lower is better). +infinity: a trial in flight, or one whose
// metric is not finite: the constant liar puts it among the worst.
struct TpeObservation {
  std::vector<double> unit;
  double value = 0;
};

struct TpeOptions {
  int candidates = 24;        // draws from l(x) scored per proposal (Optuna's n_ei_candidates)
  double prior_weight = 1.0;  // the prior kernel's weight, next to 1 per observation
  double gamma = 0.10;        // the good side holds ceil(gamma * n) observations ...
  int max_below = 25;         // ... at most this many
};

struct TpeProposal {
  // The candidates, highest score first (equal scores in draw order): each in [0, 1) per dimension, a
  // choice at its category's centre.
  std::vector<std::vector<double>> candidates;
  int below = 0;  // observations on the good side
  int above = 0;  // on the other side (pending trials included)

  const std::vector<double>& best() const { return candidates.front(); }
};

// How many of `n` observations form the good side: min(ceil(gamma n), max_below), at least 1.
int tpe_below_count(int n, const TpeOptions& options);

// The next proposal from `observations` (at least one with a finite value).
TpeProposal tpe_propose(const std::vector<TpeDimension>& dimensions, const std::vector<TpeObservation>& observations,
                        uint64_t seed, uint64_t trial, const TpeOptions& options = {});

}  // namespace bokeh::orchestrator
