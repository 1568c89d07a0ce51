package dev.clae.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clae.data.ImageSet;
import dev.clae.data.SyntheticImages;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ViewAugmenterTest {
  private static final Normalization IDENTITY =
      new Normalization(new float[] {0, 0, 0}, new float[] {1, 1, 1});

  /** A 1-channel 2x3 image with pixels 0, 51, 102 / 153, 204, 255. */
  private static ImageSet tiny() {
    byte[] px = {0, 51, 102, (byte) 153, (byte) 204, (byte) 255};
    return new ImageSet(1, 2, 3, px, new int[] {0}, List.of("a"));
  }

  private static AugmentSettings none(double flip) {
    return new AugmentSettings(1.0, flip, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void fullCropWithoutJitterReproducesTheImage() {
    float[] out = new float[6];
    new ViewAugmenter(none(0), IDENTITY).view(tiny(), 0, 1, 0, 0, out, 0);
    assertArrayEquals(new float[] {0, 0.2f, 0.4f, 0.6f, 0.8f, 1f}, out, 1e-6f);
  }

  @Test
  void flipMirrorsEachRow() {
    float[] out = new float[6];
    new ViewAugmenter(none(1), IDENTITY).view(tiny(), 0, 1, 0, 0, out, 0);
    assertArrayEquals(new float[] {0.4f, 0.2f, 0, 1f, 0.8f, 0.6f}, out, 1e-6f);
  }

  @Test
  void normalisationIsApplied() {
    Normalization norm = new Normalization(new float[] {0.5f}, new float[] {0.25f});
    float[] out = new float[6];
    new ViewAugmenter(none(0), norm).plain(tiny(), 0, out, 0);
    assertArrayEquals(new float[] {-2, -1.2f, -0.4f, 0.4f, 1.2f, 2f}, out, 1e-5f);
  }

  @Test
  void viewsAreReproducibleAndDifferAcrossEpochsAndViews() {
    ImageSet set = SyntheticImages.generate(4, 1, 16, 3).train();
    AugmentSettings s = new AugmentSettings(0.2, 0.5, 1, 0.4, 0.4, 0.4, 0.1, 0.2);
    ViewAugmenter aug = new ViewAugmenter(s, Normalization.of(set));
    int n = set.imageBytes();
    float[] a = new float[n];
    float[] b = new float[n];
    float[] c = new float[n];
    float[] d = new float[n];
    aug.view(set, 2, 7, 3, 0, a, 0);
    aug.view(set, 2, 7, 3, 0, b, 0);
    aug.view(set, 2, 7, 4, 0, c, 0);
    aug.view(set, 2, 7, 3, 1, d, 0);
    assertArrayEquals(a, b, 0f);
    assertFalse(Arrays.equals(a, c));
    assertFalse(Arrays.equals(a, d));
    for (float v : a) {
      assertTrue(Float.isFinite(v));
    }
  }

  @Test
  void grayscaleMakesChannelsEqual() {
    ImageSet set = SyntheticImages.generate(2, 1, 8, 3).train();
    AugmentSettings s = new AugmentSettings(1.0, 0, 0, 0, 0, 0, 0, 1);
    float[] out = new float[set.imageBytes()];
    new ViewAugmenter(s, IDENTITY).view(set, 0, 1, 0, 0, out, 0);
    for (int p = 0; p < 64; p++) {
      assertEquals(out[p], out[64 + p], 1e-6);
      assertEquals(out[p], out[128 + p], 1e-6);
    }
  }

  @Test
  void brightnessScalesAndClamps() {
    // Brightness only, strength 0.5: every pixel is scaled by one factor in [0.5, 1.5].
    AugmentSettings s = new AugmentSettings(1.0, 0, 1, 0.5, 0, 0, 0, 0);
    float[] out = new float[6];
    new ViewAugmenter(s, IDENTITY).view(tiny(), 0, 5, 0, 0, out, 0);
    double factor = out[1] / 0.2;
    assertTrue(factor >= 0.5 && factor <= 1.5, "factor " + factor);
    assertEquals(Math.min(1, 0.4 * factor), out[2], 1e-5);
    assertEquals(Math.min(1, 1.0 * factor), out[5], 1e-5);
  }

  @Test
  void cropBoxesStayInsideAndRespectTheScale() {
    AugmentSettings s = new AugmentSettings(0.2, 0, 0, 0, 0, 0, 0, 0);
    ViewAugmenter aug = new ViewAugmenter(s, IDENTITY);
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      int[] box = aug.cropBox(28, 28, rng);
      assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 28 && box[1] + box[3] <= 28);
      double area = box[2] * box[3] / 784.0;
      assertTrue(area >= 0.15 && area <= 1.0, "area " + area);
    }
  }

  @Test
  void batcherOrderIsAPermutationFixedBySeedAndEpoch() throws Exception {
    ImageSet set = SyntheticImages.generate(30, 1, 8, 1).train();
    ViewAugmenter aug = new ViewAugmenter(none(0.5), Normalization.of(set));
    try (ViewBatcher b = new ViewBatcher(set, aug, 8, 3, 2)) {
      assertEquals(3, b.stepsPerEpoch());
      int[] o = b.order(1);
      assertArrayEquals(o, b.order(1));
      assertFalse(Arrays.equals(o, b.order(2)));
      int[] sorted = o.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < 30; i++) {
        assertEquals(i, sorted[i]);
      }
      ViewBatch one = b.make(1, 2, o);
      ViewBatch two = b.submit(1, 2, o).get();
      assertArrayEquals(one.view1(), two.view1(), 0f);
      assertArrayEquals(Arrays.copyOfRange(o, 16, 24), one.indices());
    }
  }
}
