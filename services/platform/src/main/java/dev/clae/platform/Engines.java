package dev.clae.platform;

import ai.djl.Device;
import dev.clae.config.ClaeConfig;
import dev.clae.train.EngineSetup;

/**
 * Engine settings of a service process. Threads and device belong to the process, not to a run:
 * they are set from {@code engine.threads} and {@code device} before the engine first loads, and a
 * run's own {@code engine.threads} is ignored in the pipeline.
 */
public final class Engines {
  private Engines() {}

  /**
   * Sets the engine's thread count and checks the device.
   *
   * @return the device every run of this process uses
   * @throws dev.clae.config.ConfigException when {@code device=gpu} and no GPU is usable
   */
  public static Device prepare(Settings settings) {
    int threads = settings.getInt(Settings.ENGINE_THREADS);
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    ClaeConfig device = ClaeConfig.builder().set("device", settings.get(Settings.DEVICE)).build();
    return EngineSetup.configure(device);
  }
}
