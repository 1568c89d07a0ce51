package dev.clae.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic between an array and a number through a scalar the engine owns. Use these instead of
 * DJL's {@code NDArray.mul(Number)}, {@code div(Number)}, {@code add(Number)} and the like.
 *
 * <p>DJL turns the number into a one-element array whose memory is a JVM direct buffer (PyTorch's
 * {@code from_blob}) and closes that array as soon as the operation returns, which drops the only
 * JVM reference to the buffer. PyTorch's autograd may still hold the scalar: a product keeps its
 * factor and a quotient its divisor for the backward pass. When a garbage collection runs between
 * the forward and the backward pass, the buffer is freed, the allocator hands its bytes to someone
 * else, and backward multiplies the gradient by whatever was written there since: a wrong scale, a
 * flipped sign, zero or NaN, depending on when the collector ran. Training was then not
 * reproducible inside long-lived JVMs (test runs, services). A scalar made by {@code torch.full}
 * lives in memory PyTorch owns and reference-counts, so the graph keeps it alive however soon the
 * JVM handle is closed.
 */
public final class Scalars {
  private static final Shape SCALAR = new Shape();

  private Scalars() {}

  /**
   * Returns a 0-d array of {@code like}'s data type holding {@code v}, owned by the engine, in
   * {@code like}'s manager (and so on its device).
   */
  public static NDArray of(NDArray like, double v) {
    return like.getManager().full(SCALAR, (float) v, like.getDataType());
  }

  /** Returns {@code x * v}. */
  public static NDArray mul(NDArray x, double v) {
    return apply(x, v, NDArray::mul);
  }

  /** Returns {@code x / v}. */
  public static NDArray div(NDArray x, double v) {
    return apply(x, v, NDArray::div);
  }

  /** Returns {@code x + v}. */
  public static NDArray add(NDArray x, double v) {
    return apply(x, v, NDArray::add);
  }

  /** Multiplies {@code x} by {@code v} in place and returns it. */
  public static NDArray muli(NDArray x, double v) {
    return apply(x, v, NDArray::muli);
  }

  /** Divides {@code x} by {@code v} in place and returns it. */
  public static NDArray divi(NDArray x, double v) {
    return apply(x, v, NDArray::divi);
  }

  /** Adds {@code v} to {@code x} in place and returns it. */
  public static NDArray addi(NDArray x, double v) {
    return apply(x, v, NDArray::addi);
  }

  /** Applies the array-with-array form of an operation to {@code x} and the scalar {@code v}. */
  private static NDArray apply(NDArray x, double v, BinaryOperator<NDArray> op) {
    try (NDArray s = of(x, v)) {
      return op.apply(x, s);
    }
  }
}
