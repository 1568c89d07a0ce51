package dev.clae.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generated images for fast tests, in the same in-memory form as the real datasets. Each of ten
 * classes is a shape (disc, ring, square, frame, plus, cross, two bars, triangle, dots, diamond)
 * drawn at a random size, position and intensity over a noisy background of random level, so that
 * class identity survives crops, flips and brightness changes while pixels vary. The images depend
 * only on the sizes and the generator seed, not on the training seed.
 */
public final class SyntheticImages {
  private static final int CLASSES = 10;
  private static final long SEED = 0x5EEDL;

  private SyntheticImages() {}

  /** Generates a training and a test split. */
  public static Dataset generate(int trainSize, int testSize, int side, int channels) {
    List<String> names = new ArrayList<>();
    String[] shapes = {
      "disc", "ring", "square", "frame", "plus", "cross", "bars", "triangle", "dots", "diamond"
    };
    for (String s : shapes) {
      names.add(s);
    }
    ImageSet train = make(trainSize, side, channels, new SplittableRandom(SEED), names);
    ImageSet test = make(testSize, side, channels, new SplittableRandom(SEED + 1), names);
    Map<String, String> source = new LinkedHashMap<>();
    source.put("generator", "SyntheticImages");
    source.put("generator_seed", String.valueOf(SEED));
    source.put("image_size", String.valueOf(side));
    source.put("channels", String.valueOf(channels));
    return new Dataset("synthetic", train, test, source);
  }

  private static ImageSet make(
      int n, int side, int channels, SplittableRandom rng, List<String> names) {
    int per = channels * side * side;
    byte[] pixels = new byte[n * per];
    int[] labels = new int[n];
    float[] img = new float[side * side];
    for (int i = 0; i < n; i++) {
      int c = i % CLASSES;
      labels[i] = c;
      draw(img, side, c, rng);
      float[] tint = new float[channels];
      for (int ch = 0; ch < channels; ch++) {
        tint[ch] = channels == 1 ? 1f : (float) (0.5 + 0.5 * rng.nextDouble());
      }
      for (int ch = 0; ch < channels; ch++) {
        for (int p = 0; p < side * side; p++) {
          float v = img[p] * tint[ch];
          pixels[i * per + ch * side * side + p] = (byte) Math.round(255 * clamp(v));
        }
      }
    }
    return new ImageSet(channels, side, side, pixels, labels, names);
  }

  private static void draw(float[] img, int side, int c, SplittableRandom rng) {
    double background = 0.1 + 0.3 * rng.nextDouble();
    double ink = 0.55 + 0.45 * rng.nextDouble();
    double r = side * (0.2 + 0.15 * rng.nextDouble());
    double cx = side / 2.0 + (rng.nextDouble() - 0.5) * side * 0.3;
    double cy = side / 2.0 + (rng.nextDouble() - 0.5) * side * 0.3;
    double t = Math.max(1.0, r * 0.3);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double dx = x + 0.5 - cx;
        double dy = y + 0.5 - cy;
        boolean on = inside(c, dx, dy, r, t);
        double noise = 0.08 * rng.nextGaussian();
        img[y * side + x] = (float) ((on ? ink : background) + noise);
      }
    }
  }

  private static boolean inside(int c, double dx, double dy, double r, double t) {
    double ax = Math.abs(dx);
    double ay = Math.abs(dy);
    double d = Math.hypot(dx, dy);
    switch (c) {
      case 0:
        return d <= r;
      case 1:
        return d <= r && d >= r - t;
      case 2:
        return ax <= r * 0.85 && ay <= r * 0.85;
      case 3:
        return Math.max(ax, ay) <= r && Math.max(ax, ay) >= r - t;
      case 4:
        return (ax <= t / 2 && ay <= r) || (ay <= t / 2 && ax <= r);
      case 5:
        return Math.abs(ax - ay) <= t / 1.4 && d <= r * 1.2;
      case 6:
        return ax <= r && (Math.abs(dy - r / 2) <= t / 2 || Math.abs(dy + r / 2) <= t / 2);
      case 7:
        return dy <= r * 0.8 && dy >= -r && ax <= (dy + r) * 0.55;
      case 8:
        return Math.hypot(ax - r * 0.55, dy) <= r * 0.38;
      default:
        return ax + ay <= r;
    }
  }

  private static double clamp(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }
}
