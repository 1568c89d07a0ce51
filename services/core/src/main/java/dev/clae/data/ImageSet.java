package dev.clae.data;

import java.util.Arrays;
import java.util.List;

/**
 * Labelled images held in memory as 8-bit pixels, channel-major within an image ({@code C x H x
 * W}), images one after another. Everything downstream (augmentation, evaluation) reads this form,
 * whatever file format the images came from.
 */
public final class ImageSet {
  private final int channels;
  private final int height;
  private final int width;
  private final byte[] pixels;
  private final int[] labels;
  private final List<String> classNames;

  /**
   * Creates a set, checking that pixels and labels agree.
   *
   * @param pixels {@code n * channels * height * width} bytes
   * @param labels {@code n} class indices in {@code [0, classNames.size())}
   */
  public ImageSet(
      int channels, int height, int width, byte[] pixels, int[] labels, List<String> classNames) {
    long per = (long) channels * height * width;
    if (per == 0 || pixels.length != per * labels.length) {
      throw new IllegalArgumentException(
          "pixels hold "
              + pixels.length
              + " bytes, expected "
              + labels.length
              + " images of "
              + channels
              + "x"
              + height
              + "x"
              + width);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of image " + i + " is outside [0, " + classNames.size() + ")");
      }
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.pixels = pixels;
    this.labels = labels;
    this.classNames = List.copyOf(classNames);
  }

  /** Returns the number of images. */
  public int size() {
    return labels.length;
  }

  /** Returns channels per image (1 or 3). */
  public int channels() {
    return channels;
  }

  /** Returns image height in pixels. */
  public int height() {
    return height;
  }

  /** Returns image width in pixels. */
  public int width() {
    return width;
  }

  /** Returns bytes per image. */
  public int imageBytes() {
    return channels * height * width;
  }

  /** Returns the backing pixel array; do not modify. */
  public byte[] pixels() {
    return pixels;
  }

  /** Returns the class index of image {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** Returns a copy of all labels. */
  public int[] labels() {
    return labels.clone();
  }

  /** Returns the class names, indexed by label. */
  public List<String> classNames() {
    return classNames;
  }

  /** Returns the number of classes. */
  public int numClasses() {
    return classNames.size();
  }

  /** Returns the first {@code n} images (all when {@code n} is 0 or at least the size). */
  public ImageSet first(int n) {
    if (n <= 0 || n >= size()) {
      return this;
    }
    return new ImageSet(
        channels,
        height,
        width,
        Arrays.copyOf(pixels, n * imageBytes()),
        Arrays.copyOf(labels, n),
        classNames);
  }
}
