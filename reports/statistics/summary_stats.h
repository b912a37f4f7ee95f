// The statistics the tables put on repeated runs: mean, sample standard deviation, and Welch's
// two-sample t-test (unequal variances) with its two-sided p-value from Student's t distribution.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace bokeh::reports {

struct SampleStats {
  int64_t n = 0;
  double mean = 0;
  double std = 0;  // sample standard deviation (divisor n - 1); 0 when n < 2
};
SampleStats sample_stats(const std::vector<double>& values);

struct WelchTest {
  double t = 0;   // (mean a - mean b) / sqrt(var a / n a + var b / n b)
  double df = 0;  // Welch-Satterthwaite degrees of freedom
  double p = 1;   // two-sided
};
// nullopt when either sample has fewer than 2 values. Two samples without any spread: p = 1 when
// their means are equal, else 0.
std::optional<WelchTest> welch_test(const SampleStats& a, const SampleStats& b);

// P(|T| > |t|) for Student's t with `df` degrees of freedom (df > 0).
double student_t_two_sided(double t, double df);

// The regularized incomplete beta function I_x(a, b), x in [0, 1].
double incomplete_beta(double a, double b, double x);

}  // namespace bokeh::reports
