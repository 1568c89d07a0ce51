package dev.clae.evidence;

import java.util.List;

/**
 * Small statistics of the evidence tables: mean, sample standard deviation, and the 95% interval of
 * a mean from Student's t distribution (the right one for three seeds).
 */
public final class Stats {
  /** Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom. */
  private static final double[] T95 = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042
  };

  private Stats() {}

  /** Returns the mean (NaN for none). */
  public static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Returns the sample standard deviation (n - 1; NaN below two values). */
  public static double sd(List<Double> v) {
    if (v.size() < 2) {
      return Double.NaN;
    }
    double m = mean(v);
    double ss = v.stream().mapToDouble(x -> (x - m) * (x - m)).sum();
    return Math.sqrt(ss / (v.size() - 1));
  }

  /** Returns the half-width of the 95% t interval of the mean (NaN below two values). */
  public static double halfWidth95(List<Double> v) {
    int df = v.size() - 1;
    if (df < 1) {
      return Double.NaN;
    }
    double t = df <= T95.length ? T95[df - 1] : 1.96;
    return t * sd(v) / Math.sqrt(v.size());
  }
}
