package dev.clae.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads this process's resident memory from {@code /proc/self/status} (Linux): current ({@code
 * VmRSS}) and peak ({@code VmHWM}); the peak can be reset through {@code /proc/self/clear_refs}.
 * Elsewhere every reading is -1.
 */
public final class MemoryProbe {
  private static final Path STATUS = Path.of("/proc/self/status");

  private MemoryProbe() {}

  /** Returns the resident set size in MiB. */
  public static double rssMb() {
    return read("VmRSS:");
  }

  /** Returns the peak resident set size since start or the last {@link #resetPeak} in MiB. */
  public static double peakMb() {
    return read("VmHWM:");
  }

  /** Resets the peak to the current resident size; returns false when unsupported. */
  public static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  private static double read(String field) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(field)) {
          String kb = line.substring(field.length()).trim().split("\\s+")[0];
          return Long.parseLong(kb) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
