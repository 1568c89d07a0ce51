package dev.clae.encoder;

/** A backbone that maps {@code N x C x H x W} images to {@code N x d} pooled features. */
public abstract class Encoder extends Layer {
  /** Returns the feature size {@code d}. */
  public abstract int featureDim();
}
