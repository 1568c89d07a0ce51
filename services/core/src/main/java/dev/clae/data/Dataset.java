package dev.clae.data;

import java.util.Map;

/**
 * A training and a test split of one dataset, with where they came from.
 *
 * @param name the dataset name, as in {@code data.name}
 * @param train the training images
 * @param test the test images
 * @param source what was read: file paths and their SHA-256, or the generator's parameters
 */
public record Dataset(String name, ImageSet train, ImageSet test, Map<String, String> source) {
  /** Returns this dataset cut to the first {@code trainLimit} and {@code testLimit} images. */
  public Dataset limit(int trainLimit, int testLimit) {
    return new Dataset(name, train.first(trainLimit), test.first(testLimit), source);
  }
}
