package dev.clae.augment;

/**
 * Two augmented views of a batch of images, as normalised floats {@code B x C x H x W}.
 *
 * @param epoch the epoch the batch belongs to
 * @param step the batch's index within its epoch
 * @param indices the images' indices in the training set
 * @param view1 the anchor views (the ones CLAE perturbs)
 * @param view2 the second views
 * @param shape {@code {B, C, H, W}}
 */
public record ViewBatch(
    int epoch, int step, int[] indices, float[] view1, float[] view2, long[] shape) {}
