package dev.clae.augment;

import dev.clae.data.ImageSet;

/**
 * Per-channel mean and standard deviation of pixel values in {@code [0, 1]}, measured on the
 * training images; views are fed to the encoder as {@code (x - mean) / std}. The FGSM step size is
 * applied in this normalised space, as in the reference implementation.
 *
 * @param mean per-channel mean
 * @param std per-channel standard deviation (positive)
 */
public record Normalization(float[] mean, float[] std) {
  /** Measures the statistics over (up to 20,000 images of) a training set. */
  public static Normalization of(ImageSet set) {
    int c = set.channels();
    int plane = set.height() * set.width();
    int n = Math.min(set.size(), 20_000);
    double[] sum = new double[c];
    double[] sq = new double[c];
    byte[] px = set.pixels();
    for (int i = 0; i < n; i++) {
      int base = i * set.imageBytes();
      for (int ch = 0; ch < c; ch++) {
        long s = 0;
        long s2 = 0;
        for (int p = base + ch * plane, end = p + plane; p < end; p++) {
          int v = px[p] & 0xff;
          s += v;
          s2 += v * v;
        }
        sum[ch] += s;
        sq[ch] += s2;
      }
    }
    float[] mean = new float[c];
    float[] std = new float[c];
    double count = (double) n * plane;
    for (int ch = 0; ch < c; ch++) {
      double m = sum[ch] / count / 255.0;
      double var = sq[ch] / count / (255.0 * 255.0) - m * m;
      mean[ch] = (float) m;
      std[ch] = (float) Math.max(Math.sqrt(Math.max(var, 0)), 1e-3);
    }
    return new Normalization(mean, std);
  }
}
