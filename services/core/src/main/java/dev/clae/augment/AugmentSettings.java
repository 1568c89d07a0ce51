package dev.clae.augment;

import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;

/**
 * The random view recipe of the reference implementation: random resized crop (area fraction in
 * {@code [cropScaleMin, 1]}, aspect ratio in {@code [3/4, 4/3]}), horizontal flip, colour jitter
 * applied with probability {@code jitterProb} (brightness, contrast, saturation, hue in random
 * order; saturation and hue only for colour images) and random grayscale (colour images only).
 *
 * @param cropScaleMin smallest crop area fraction
 * @param flipProb horizontal flip probability
 * @param jitterProb colour-jitter probability
 * @param brightness brightness factor range half-width
 * @param contrast contrast factor range half-width
 * @param saturation saturation factor range half-width
 * @param hue hue shift range, in turns
 * @param grayscaleProb grayscale probability
 */
public record AugmentSettings(
    double cropScaleMin,
    double flipProb,
    double jitterProb,
    double brightness,
    double contrast,
    double saturation,
    double hue,
    double grayscaleProb) {

  /** Reads the {@code augment.*} keys. */
  public static AugmentSettings of(ClaeConfig c) {
    return new AugmentSettings(
        c.get(Keys.CROP_SCALE_MIN),
        c.get(Keys.FLIP_PROB),
        c.get(Keys.JITTER_PROB),
        c.get(Keys.JITTER_BRIGHTNESS),
        c.get(Keys.JITTER_CONTRAST),
        c.get(Keys.JITTER_SATURATION),
        c.get(Keys.JITTER_HUE),
        c.get(Keys.GRAYSCALE_PROB));
  }
}
