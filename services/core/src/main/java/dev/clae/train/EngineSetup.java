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

  /**
   * Readies the calling thread for engine work. PyTorch records autograd graphs per thread and
   * starts every new thread with recording on; DJL turns it off only on the thread that loaded the
   * engine, and a {@code GradientCollector} restores whatever mode it found. On any other thread,
   * every operation would then be recorded and the optimiser's in-place updates of the weights
   * would fail ("a leaf Variable that requires grad is being used in an in-place operation"). Call
   * it first on each thread that trains, attacks or evaluates.
   */
  public static void prepareThread() {
    if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
      ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }
  }

  /**
   * Sets the engine's intra-op threads for the operations this thread issues from now on. Forward
   * passes give the same bits at any count ({@code ClaeStepBeginTest}); reductions in a backward
   * pass need not. Does nothing on an engine other than PyTorch.
   */
  public static void intraOpThreads(int threads) {
    if (threads > 0 && "PyTorch".equals(Engine.getInstance().getEngineName())) {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }
  }

  /** Returns the engine's intra-op threads (0 on an engine other than PyTorch). */
  public static int intraOpThreads() {
    return "PyTorch".equals(Engine.getInstance().getEngineName())
        ? ai.djl.pytorch.jni.JniUtils.getNumThreads()
        : 0;
  }
}
