package dev.clae.util;

/**
 * Derives independent random seeds from a run seed and coordinates (epoch, image, view), so that
 * every random choice of a run is reproducible on its own: resuming at an epoch boundary or
 * producing a batch on another machine gives the same numbers.
 */
public final class Seeds {
  private Seeds() {}

  /** Mixes the parts into one well-spread 64-bit seed (SplitMix64 finaliser per part). */
  public static long mix(long... parts) {
    long h = 0x243F6A8885A308D3L;
    for (long p : parts) {
      h = finalise(h ^ finalise(p + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  private static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
