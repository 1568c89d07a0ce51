package dev.clae;

import java.nio.ByteBuffer;

/**
 * Provokes what a long-lived JVM does at random moments: a garbage collection, the cleaners of
 * unreachable direct buffers freeing their memory, and small allocations taking that memory over.
 */
public final class GcPressure {
  private GcPressure() {}

  /** Collects garbage, lets the cleaners run, and overwrites freed small blocks with NaN. */
  public static void collectAndReuse() throws InterruptedException {
    System.gc();
    Thread.sleep(100);
    for (int i = 0; i < 4096; i++) {
      ByteBuffer.allocateDirect(Float.BYTES).putFloat(0, Float.NaN);
    }
  }
}
