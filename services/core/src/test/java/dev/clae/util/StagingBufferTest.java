package dev.clae.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class StagingBufferTest {
  @Test
  void copiesValuesAndReusesTheBufferAcrossSizes() {
    StagingBuffer staging = new StagingBuffer();
    try (NDManager m = NDManager.newBaseManager()) {
      float[] big = {1, -2, 3.5f, 4, 5, 6};
      try (NDArray a = staging.create(m, big, new Shape(2, 3))) {
        assertEquals(new Shape(2, 3), a.getShape());
        assertArrayEquals(big, a.toFloatArray(), 0f);
      }
      float[] small = {7, 8};
      try (NDArray b = staging.create(m, small, new Shape(2))) {
        assertArrayEquals(small, b.toFloatArray(), 0f);
      }
    }
  }

  @Test
  void rejectsDataThatDoesNotFitTheShape() {
    try (NDManager m = NDManager.newBaseManager()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new StagingBuffer().create(m, new float[5], new Shape(2, 3)));
      assertEquals("shape (2, 3) holds 6 values, got 5", e.getMessage());
    }
  }
}
