package dev.clae.train;

/**
 * One row of the loss curve.
 *
 * @param step 1-based optimiser step
 * @param epoch 0-based epoch
 * @param loss total loss
 * @param cleanLoss clean loss
 * @param advLoss adversarial loss, NaN without CLAE
 * @param lr learning rate of the step
 * @param seconds training seconds since the run started (excluding evaluation)
 */
public record StepRecord(
    long step,
    int epoch,
    double loss,
    double cleanLoss,
    double advLoss,
    double lr,
    double seconds) {
  /** The CSV header matching {@link #csv()}. */
  public static final String HEADER = "step,epoch,loss,clean_loss,adv_loss,lr,train_seconds";

  /** Returns the row as CSV. */
  public String csv() {
    return step
        + ","
        + epoch
        + ","
        + num(loss)
        + ","
        + num(cleanLoss)
        + ","
        + num(advLoss)
        + ","
        + num(lr)
        + ","
        + String.format(java.util.Locale.ROOT, "%.3f", seconds);
  }

  /** Parses a row written by {@link #csv()}. */
  public static StepRecord parse(String line) {
    String[] f = line.split(",");
    if (f.length != 7) {
      throw new IllegalArgumentException("loss-curve row has " + f.length + " fields: " + line);
    }
    return new StepRecord(
        Long.parseLong(f[0]),
        Integer.parseInt(f[1]),
        Double.parseDouble(f[2]),
        Double.parseDouble(f[3]),
        Double.parseDouble(f[4]),
        Double.parseDouble(f[5]),
        Double.parseDouble(f[6]));
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(java.util.Locale.ROOT, "%.6g", v);
  }
}
