package dev.clae.augment;

import dev.clae.data.ImageSet;
import dev.clae.util.Seeds;
import java.util.SplittableRandom;

/**
 * Makes one random view of an image as normalised floats, {@code C x H x W} at the image's own
 * size. Each view draws from its own generator seeded by (run seed, epoch, image, view), so a view
 * is the same whichever thread or process makes it.
 *
 * <p>Steps, following torchvision's semantics: random resized crop with bilinear resampling and the
 * flip folded into the sampling; colour jitter on {@code [0, 1]} values, each factor drawn
 * uniformly and the four operations in random order, clamped after each; grayscale by ITU-R 601
 * luma; then {@code (x - mean) / std}.
 */
public final class ViewAugmenter {
  private static final double LOG_RATIO_LO = Math.log(3.0 / 4.0);
  private static final double LOG_RATIO_HI = Math.log(4.0 / 3.0);

  private final AugmentSettings s;
  private final Normalization norm;

  /** Creates an augmenter with a recipe and the training set's normalisation. */
  public ViewAugmenter(AugmentSettings settings, Normalization norm) {
    this.s = settings;
    this.norm = norm;
  }

  /** Returns the normalisation applied last. */
  public Normalization normalization() {
    return norm;
  }

  /**
   * Writes a random view of image {@code index} into {@code out} at {@code offset}.
   *
   * @param seed the run seed
   * @param epoch the epoch, so each epoch sees new views
   * @param view 0 or 1 for the two views of a pair
   */
  public void view(
      ImageSet set, int index, long seed, int epoch, int view, float[] out, int offset) {
    SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch, index, view));
    int c = set.channels();
    int h = set.height();
    int w = set.width();
    float[] img = new float[c * h * w];
    cropResize(set, index, rng, img);
    if (rng.nextDouble() < s.jitterProb()) {
      jitter(img, c, h * w, rng);
    }
    if (c == 3 && rng.nextDouble() < s.grayscaleProb()) {
      grayscale(img, h * w);
    }
    normalise(img, c, h * w, out, offset);
  }

  /** Writes image {@code index} unaugmented and normalised, for evaluation. */
  public void plain(ImageSet set, int index, float[] out, int offset) {
    int n = set.imageBytes();
    byte[] px = set.pixels();
    int base = index * n;
    int plane = set.height() * set.width();
    for (int i = 0; i < n; i++) {
      int ch = i / plane;
      out[offset + i] = ((px[base + i] & 0xff) / 255f - norm.mean()[ch]) / norm.std()[ch];
    }
  }

  private void cropResize(ImageSet set, int index, SplittableRandom rng, float[] img) {
    int h = set.height();
    int w = set.width();
    int[] box = cropBox(h, w, rng);
    boolean flip = rng.nextDouble() < s.flipProb();
    int top = box[0];
    int left = box[1];
    double sy = box[2] / (double) h;
    double sx = box[3] / (double) w;
    byte[] px = set.pixels();
    int plane = h * w;
    int base = index * set.imageBytes();
    for (int oy = 0; oy < h; oy++) {
      double fy = clamp(top + (oy + 0.5) * sy - 0.5, top, top + box[2] - 1);
      int y0 = (int) fy;
      int y1 = Math.min(y0 + 1, top + box[2] - 1);
      float wy = (float) (fy - y0);
      for (int ox = 0; ox < w; ox++) {
        int tx = flip ? w - 1 - ox : ox;
        double fx = clamp(left + (tx + 0.5) * sx - 0.5, left, left + box[3] - 1);
        int x0 = (int) fx;
        int x1 = Math.min(x0 + 1, left + box[3] - 1);
        float wx = (float) (fx - x0);
        for (int ch = 0; ch < set.channels(); ch++) {
          int p = base + ch * plane;
          float a = px[p + y0 * w + x0] & 0xff;
          float b = px[p + y0 * w + x1] & 0xff;
          float cc = px[p + y1 * w + x0] & 0xff;
          float d = px[p + y1 * w + x1] & 0xff;
          float top2 = a + (b - a) * wx;
          float bottom = cc + (d - cc) * wx;
          img[ch * plane + oy * w + ox] = (top2 + (bottom - top2) * wy) / 255f;
        }
      }
    }
  }

  /** Returns {top, left, height, width} of a random resized crop, torchvision's algorithm. */
  int[] cropBox(int h, int w, SplittableRandom rng) {
    double area = (double) h * w;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (s.cropScaleMin() + (1 - s.cropScaleMin()) * rng.nextDouble());
      double ratio = Math.exp(LOG_RATIO_LO + (LOG_RATIO_HI - LOG_RATIO_LO) * rng.nextDouble());
      int cw = (int) Math.round(Math.sqrt(target * ratio));
      int ch = (int) Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
        int top = rng.nextInt(h - ch + 1);
        int left = rng.nextInt(w - cw + 1);
        return new int[] {top, left, ch, cw};
      }
    }
    return new int[] {0, 0, h, w};
  }

  private void jitter(float[] img, int c, int plane, SplittableRandom rng) {
    double b = factor(s.brightness(), rng);
    double k = factor(s.contrast(), rng);
    double sat = factor(s.saturation(), rng);
    double hue = s.hue() * (2 * rng.nextDouble() - 1);
    int[] order = {0, 1, 2, 3};
    for (int i = 3; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (int op : order) {
      switch (op) {
        case 0 -> scale(img, (float) b);
        case 1 -> blendWithMean(img, c, plane, (float) k);
        case 2 -> {
          if (c == 3) {
            saturate(img, plane, (float) sat);
          }
        }
        default -> {
          if (c == 3 && hue != 0) {
            shiftHue(img, plane, (float) hue);
          }
        }
      }
    }
  }

  private static double factor(double strength, SplittableRandom rng) {
    return Math.max(0, 1 - strength + 2 * strength * rng.nextDouble());
  }

  private static void scale(float[] img, float f) {
    for (int i = 0; i < img.length; i++) {
      img[i] = clamp01(img[i] * f);
    }
  }

  /** Contrast: blend with the mean gray level of the image, as torchvision does. */
  private static void blendWithMean(float[] img, int c, int plane, float f) {
    double sum = 0;
    for (int p = 0; p < plane; p++) {
      sum += c == 3 ? luma(img, plane, p) : img[p];
    }
    float mean = (float) (sum / plane);
    for (int i = 0; i < img.length; i++) {
      img[i] = clamp01(f * img[i] + (1 - f) * mean);
    }
  }

  private static void saturate(float[] img, int plane, float f) {
    for (int p = 0; p < plane; p++) {
      float g = luma(img, plane, p);
      for (int ch = 0; ch < 3; ch++) {
        int i = ch * plane + p;
        img[i] = clamp01(f * img[i] + (1 - f) * g);
      }
    }
  }

  private static void shiftHue(float[] img, int plane, float shift) {
    for (int p = 0; p < plane; p++) {
      float r = img[p];
      float g = img[plane + p];
      float b = img[2 * plane + p];
      float max = Math.max(r, Math.max(g, b));
      float min = Math.min(r, Math.min(g, b));
      float delta = max - min;
      if (delta <= 0) {
        continue;
      }
      float hh;
      if (max == r) {
        hh = ((g - b) / delta) / 6f;
      } else if (max == g) {
        hh = ((b - r) / delta + 2f) / 6f;
      } else {
        hh = ((r - g) / delta + 4f) / 6f;
      }
      hh += shift;
      hh -= (float) Math.floor(hh);
      float sat = delta / max;
      float[] rgb = hsvToRgb(hh, sat, max);
      img[p] = rgb[0];
      img[plane + p] = rgb[1];
      img[2 * plane + p] = rgb[2];
    }
  }

  private static float[] hsvToRgb(float h, float s, float v) {
    float h6 = h * 6f;
    int sector = (int) h6 % 6;
    float f = h6 - (int) h6;
    float p = v * (1 - s);
    float q = v * (1 - s * f);
    float t = v * (1 - s * (1 - f));
    return switch (sector) {
      case 0 -> new float[] {v, t, p};
      case 1 -> new float[] {q, v, p};
      case 2 -> new float[] {p, v, t};
      case 3 -> new float[] {p, q, v};
      case 4 -> new float[] {t, p, v};
      default -> new float[] {v, p, q};
    };
  }

  private static void grayscale(float[] img, int plane) {
    for (int p = 0; p < plane; p++) {
      float g = luma(img, plane, p);
      img[p] = g;
      img[plane + p] = g;
      img[2 * plane + p] = g;
    }
  }

  private static float luma(float[] img, int plane, int p) {
    return 0.299f * img[p] + 0.587f * img[plane + p] + 0.114f * img[2 * plane + p];
  }

  private void normalise(float[] img, int c, int plane, float[] out, int offset) {
    for (int ch = 0; ch < c; ch++) {
      float m = norm.mean()[ch];
      float inv = 1f / norm.std()[ch];
      for (int p = 0, i = ch * plane; p < plane; p++, i++) {
        out[offset + i] = (img[i] - m) * inv;
      }
    }
  }

  private static double clamp(double v, double lo, double hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }

  private static float clamp01(float v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }
}
