package dev.clae.optim;

import java.util.List;

/**
 * Step decay, as PyTorch's {@code MultiStepLR} stepped once an epoch: the rate of epoch {@code e}
 * (0-based) is {@code base * gamma^k} with {@code k} the milestones at or below {@code e}. No
 * milestones give a constant rate.
 *
 * @param base the initial rate
 * @param milestones epochs at which the rate drops
 * @param gamma the factor of each drop
 */
public record LearningRate(double base, List<Integer> milestones, double gamma) {
  /** Returns the rate of an epoch. */
  public double at(int epoch) {
    int k = 0;
    for (int m : milestones) {
      if (epoch >= m) {
        k++;
      }
    }
    return base * Math.pow(gamma, k);
  }
}
