package dev.clae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/** Small helpers shared by tests. */
public final class TestArrays {
  private TestArrays() {}

  /** Returns a {@code rows x cols} array of L2-normalised random rows. */
  public static NDArray unitRows(NDManager m, int rows, int cols, long seed) {
    Random r = new Random(seed);
    float[] v = new float[rows * cols];
    for (int i = 0; i < rows; i++) {
      double norm = 0;
      for (int j = 0; j < cols; j++) {
        v[i * cols + j] = (float) r.nextGaussian();
        norm += v[i * cols + j] * v[i * cols + j];
      }
      for (int j = 0; j < cols; j++) {
        v[i * cols + j] /= (float) Math.sqrt(norm);
      }
    }
    return m.create(v, new Shape(rows, cols));
  }

  /** Returns {@code n} standard normal floats. */
  public static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** Returns row {@code i} of a row-major matrix. */
  public static double[] row(float[] m, int cols, int i) {
    double[] out = new double[cols];
    for (int j = 0; j < cols; j++) {
      out[j] = m[i * cols + j];
    }
    return out;
  }

  /** Returns the dot product. */
  public static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
