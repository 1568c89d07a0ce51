package dev.clae.train;

/**
 * Losses of one training step.
 *
 * @param loss the optimised total, clean + alpha * adversarial
 * @param cleanLoss the loss between the two clean views
 * @param advLoss the loss between the anchor and its adversarial view (NaN without CLAE)
 */
public record StepResult(double loss, double cleanLoss, double advLoss) {}
