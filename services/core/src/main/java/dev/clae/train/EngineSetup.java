package dev.clae.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.clae.config.ClaeConfig;
import dev.clae.config.ConfigException;
import dev.clae.config.Keys;

/**
 * Prepares the PyTorch engine for a run: offline mode (DJL must never try to download libtorch),
 * thread counts, the random seed and the device.
 */
public final class EngineSetup {
  private EngineSetup() {}

  /**
   * Configures the engine and returns the device of the run.
   *
   * @throws ConfigException when {@code device=gpu} and no GPU is usable
   */
  public static Device configure(ClaeConfig config) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    int threads = config.get(Keys.THREADS);
    if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Engine engine = Engine.getInstance();
    if ("gpu".equals(config.get(Keys.DEVICE))) {
      if (engine.getGpuCount() == 0) {
        throw new ConfigException(
            "device=gpu: the PyTorch engine sees no GPU (this build"
                + " carries the CPU libtorch, or no CUDA driver is present); build with -Pgpu on a"
                + " CUDA host as docs/gpu.md describes, or set device=cpu");
      }
      return Device.gpu();
    }
    return Device.cpu();
  }
}
