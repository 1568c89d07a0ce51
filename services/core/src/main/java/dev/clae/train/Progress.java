package dev.clae.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a progress line every few seconds: position, loss, images/second and time left. */
final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private final long intervalNanos;
  private final int epochs;
  private final int steps;
  private final int batch;
  private long lastLog = System.nanoTime();
  private int stepsSinceLog;
  private double lossSinceLog;

  Progress(double intervalSeconds, int epochs, int steps, int batch) {
    this.intervalNanos = (long) (intervalSeconds * 1e9);
    this.epochs = epochs;
    this.steps = steps;
    this.batch = batch;
  }

  void step(int epoch, int step, StepResult r, double trainSeconds) {
    stepsSinceLog++;
    lossSinceLog += r.loss();
    long now = System.nanoTime();
    if (now - lastLog < intervalNanos) {
      return;
    }
    double seconds = (now - lastLog) / 1e9;
    double rate = stepsSinceLog * batch / seconds;
    long left = (long) (epochs - epoch - 1) * steps + (steps - step - 1);
    long eta = Math.round(left * batch / rate);
    String adv =
        Double.isNaN(r.advLoss())
            ? ""
            : String.format(
                java.util.Locale.ROOT,
                " (clean %.4f, adversarial %.4f)",
                r.cleanLoss(),
                r.advLoss());
    LOG.info(
        String.format(
            java.util.Locale.ROOT,
            "epoch %d/%d step %d/%d loss %.4f%s %.1f img/s, %dm%02ds left",
            epoch + 1,
            epochs,
            step + 1,
            steps,
            lossSinceLog / stepsSinceLog,
            adv,
            rate,
            eta / 60,
            eta % 60));
    lastLog = now;
    stepsSinceLog = 0;
    lossSinceLog = 0;
  }
}
