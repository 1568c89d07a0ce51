package dev.clae.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A reusable direct buffer through which host floats enter the engine. Creating an array from a
 * heap {@code float[]} makes the engine allocate a fresh direct buffer each time, and the JVM frees
 * those only when a garbage collection happens to run: a training loop that feeds a batch a step
 * then grows its resident memory by megabytes a step until the heap fills. Copying through one
 * buffer that lives as long as its owner keeps resident memory flat.
 *
 * <p>The engine reads the buffer itself (no copy) wherever the array is used, also from an autograd
 * graph after the array's handle is closed: keep the array open until the backward pass that reads
 * it has run, refill the buffer only after that, and give two arrays alive together two buffers
 * (see {@link Scalars} for the same hazard with numbers). Not thread-safe: one owner thread.
 */
public final class StagingBuffer {
  private ByteBuffer buffer;

  /** Returns an array of {@code shape} holding {@code data}, in {@code manager}. */
  public NDArray create(NDManager manager, float[] data, Shape shape) {
    if (shape.size() != data.length) {
      throw new IllegalArgumentException(
          "shape " + shape + " holds " + shape.size() + " values, got " + data.length);
    }
    int bytes = Math.multiplyExact(data.length, Float.BYTES);
    if (buffer == null || buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }
    buffer.clear();
    buffer.asFloatBuffer().put(data);
    buffer.limit(bytes);
    return manager.create(buffer.slice().order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32);
  }
}
