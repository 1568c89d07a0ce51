package dev.clae.eval;

/**
 * Features of a set of images, one row an image, with the images' labels.
 *
 * @param values {@code n * dim} floats, row-major
 * @param dim features a row
 * @param labels class of each row
 * @param numClasses number of classes
 */
public record FeatureSet(float[] values, int dim, int[] labels, int numClasses) {
  /** Returns the number of rows. */
  public int size() {
    return labels.length;
  }
}
