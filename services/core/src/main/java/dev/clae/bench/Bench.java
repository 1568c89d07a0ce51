package dev.clae.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clae.attack.Fgsm;
import dev.clae.augment.AugmentSettings;
import dev.clae.augment.Normalization;
import dev.clae.augment.ViewAugmenter;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import dev.clae.data.ImageSet;
import dev.clae.data.SyntheticImages;
import dev.clae.encoder.CifarResNet18;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.Networks;
import dev.clae.loss.ContrastiveLoss;
import dev.clae.loss.Losses;
import dev.clae.optim.Optimizer;
import dev.clae.optim.Optimizers;
import dev.clae.train.ClaeStep;
import dev.clae.train.EngineSetup;
import dev.clae.train.Provenance;
import dev.clae.util.StagingBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times a base-method step against a CLAE step of the same model and batch, taking turns step by
 * step so that machine noise hits both alike, and measures the machine's matrix-product FLOP/s,
 * resident memory and augmentation throughput. By default: full-width CIFAR ResNet-18, batch 128, 3
 * x 32 x 32 input, SimCLR.
 *
 * <p>FLOPs are counted analytically: two a multiply-accumulate of every convolution and dense layer
 * (normalisation, activations and pooling are left out). A training pass costs its forward {@code
 * F} plus a backward of {@code 2F} (input and weight gradients) minus the stem's input gradient,
 * which is never needed; the attack costs a forward and an input-only backward, {@code 2F}.
 */
public final class Bench {
  private static final Logger LOG = LoggerFactory.getLogger(Bench.class);

  private final ClaeConfig config;

  /** Creates a benchmark of the configured model ({@code bench.*} keys for sizes). */
  public Bench(ClaeConfig config) {
    this.config = config;
  }

  /** Runs the benchmark and returns its figures. */
  public Map<String, Object> run() {
    EngineSetup.configure(config);
    Engine.getInstance().setRandomSeed(Long.hashCode(config.get(Keys.SEED)));
    int batch = config.get(Keys.BENCH_BATCH);
    int side = config.get(Keys.BENCH_IMAGE);
    int channels = config.get(Keys.BENCH_CHANNELS);
    Shape image = new Shape(channels, side, side);
    long[] shape = {batch, channels, side, side};
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("encoder", config.get(Keys.ENCODER) + " width " + config.get(Keys.ENCODER_WIDTH));
    r.put("method", config.get(Keys.METHOD));
    r.put("batch", batch);
    r.put("input", channels + "x" + side + "x" + side);
    r.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
    try (NDManager m = NDManager.newBaseManager()) {
      ClaeStep base = step(m, false, image);
      ClaeStep clae = step(m, true, image);
      float[][] views = randomViews(batch * channels * side * side);
      int warmup = config.get(Keys.BENCH_WARMUP);
      for (int i = 0; i < warmup; i++) {
        base.run(m, views[0], views[1], shape, 1e-4);
        clae.run(m, views[0], views[1], shape, 1e-4);
      }
      int steps = config.get(Keys.BENCH_STEPS);
      double[] tBase = new double[steps];
      double[] tClae = new double[steps];
      double[] tAttack = new double[steps];
      Fgsm fgsm = new Fgsm(config.get(Keys.ADV_EPS));
      ContrastiveLoss loss = Losses.create(config);
      StagingBuffer staging = new StagingBuffer();
      double peak = 0;
      double rssFirst = 0;
      double rssLast = 0;
      for (int i = 0; i < steps; i++) {
        tBase[i] = time(() -> base.run(m, views[0], views[1], shape, 1e-4));
        MemoryProbe.resetPeak();
        tClae[i] = time(() -> clae.run(m, views[0], views[1], shape, 1e-4));
        peak = Math.max(peak, MemoryProbe.peakMb());
        rssLast = MemoryProbe.rssMb();
        if (i == 0) {
          rssFirst = rssLast;
        }
        // The attack alone, as an adversary service runs it: sign(dL/dx) of the anchor views.
        tAttack[i] =
            time(
                () -> {
                  try (NDManager s = m.newSubManager()) {
                    NDArray x = staging.create(s, views[0], new Shape(shape));
                    fgsm.gradientSign(clae.net(), loss, x).toFloatArray();
                  }
                });
        LOG.info(
            "round {}/{}: base step {} s, CLAE step {} s",
            i + 1,
            steps,
            round(tBase[i], 3),
            round(tClae[i], 3));
      }
      double baseS = median(tBase);
      double claeS = median(tClae);
      long fwd = clae.net().forwardFlops(new Shape(1).addAll(image)) * batch;
      long stem = stemFlops(clae.net(), image) * batch;
      double baseFlops = 2.0 * (3 * fwd - stem);
      double claeFlops = 2.0 * fwd + 3.0 * (3 * fwd - stem);
      double matmul = matmulGflops(m, config.get(Keys.BENCH_MATMUL));
      r.put("simclr_step_seconds", round(baseS, 4));
      r.put("clae_step_seconds", round(claeS, 4));
      r.put("clae_over_simclr", round(claeS / baseS, 4));
      r.put("attack_seconds", round(median(tAttack), 4));
      r.put("attack_over_clae_step", round(median(tAttack) / claeS, 4));
      r.put("simclr_step_seconds_all", roundAll(tBase));
      r.put("clae_step_seconds_all", roundAll(tClae));
      r.put("forward_gflop_per_image", round(fwd / 1e9 / batch, 4));
      r.put("simclr_step_gflop", round(baseFlops / 1e9, 2));
      r.put("clae_step_gflop", round(claeFlops / 1e9, 2));
      r.put("matmul_gflops", round(matmul, 1));
      r.put("step_gflops", round(baseFlops / 1e9 / baseS, 1));
      r.put("clae_step_gflops", round(claeFlops / 1e9 / claeS, 1));
      r.put("peak_fraction", round(baseFlops / 1e9 / baseS / matmul, 4));
      r.put("peak_rss_mb", round(peak, 1));
      r.put("rss_mb_first", round(rssFirst, 1));
      r.put("rss_mb_last", round(rssLast, 1));
      r.put("augment_images_per_second", round(augmentRate(side, channels), 1));
      int memSteps = config.get(Keys.BENCH_MEMORY_STEPS);
      if (memSteps > 0) {
        memoryRun(m, clae, views, shape, memSteps, r);
      }
    }
    r.put("code_version", Provenance.codeVersion());
    return r;
  }

  private ClaeStep step(NDManager m, boolean adversarial, Shape image) {
    ClaeConfig c =
        config.toBuilder().set("adversarial.enabled", String.valueOf(adversarial)).build();
    ContrastiveNet net = Networks.create(c, image, m);
    Optimizer opt = Optimizers.create(c, net.trainableParameters(), m);
    Fgsm attack = adversarial ? new Fgsm(c.get(Keys.ADV_EPS)) : null;
    return new ClaeStep(net, Losses.create(c), attack, c.get(Keys.ADV_ALPHA), opt);
  }

  private static long stemFlops(ContrastiveNet net, Shape image) {
    if (net.encoder() instanceof CifarResNet18 r) {
      return r.stemFlops(new Shape(1).addAll(image));
    }
    return 0;
  }

  private void memoryRun(
      NDManager m, ClaeStep clae, float[][] views, long[] shape, int steps, Map<String, Object> r) {
    List<Double> rss = new ArrayList<>();
    for (int i = 1; i <= steps; i++) {
      clae.run(m, views[0], views[1], shape, 1e-4);
      if (i == Math.min(20, steps) || i == steps || i % 50 == 0) {
        rss.add(MemoryProbe.rssMb());
        LOG.info("memory run step {}: {} MiB resident", i, round(MemoryProbe.rssMb(), 1));
      }
    }
    double at20 = rss.get(0);
    double last = rss.get(rss.size() - 1);
    r.put("memory_steps", steps);
    r.put("memory_rss_mb_step20", round(at20, 1));
    r.put("memory_rss_mb_last", round(last, 1));
    r.put("memory_growth", round(last / at20 - 1, 4));
  }

  private float[][] randomViews(int n) {
    SplittableRandom rng = new SplittableRandom(7);
    float[] a = new float[n];
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rng.nextDouble() * 2 - 1);
      b[i] = a[i] + (float) (rng.nextDouble() * 0.2 - 0.1);
    }
    return new float[][] {a, b};
  }

  /** Best of five n x n float products, in GFLOP/s. */
  static double matmulGflops(NDManager m, int n) {
    double best = Double.MAX_VALUE;
    try (NDManager s = m.newSubManager()) {
      NDArray a = s.randomUniform(-1, 1, new Shape(n, n));
      NDArray b = s.randomUniform(-1, 1, new Shape(n, n));
      for (int i = 0; i < 6; i++) {
        try (NDManager rep = s.newSubManager()) {
          long t0 = System.nanoTime();
          NDArray c = a.matMul(b);
          c.attach(rep);
          c.getFloat(0, 0);
          double t = (System.nanoTime() - t0) / 1e9;
          if (i > 0) {
            best = Math.min(best, t);
          }
        }
      }
    }
    return 2.0 * n * n * (double) n / best / 1e9;
  }

  private double augmentRate(int side, int channels) {
    ImageSet set = SyntheticImages.generate(512, 1, side, channels).train();
    ViewAugmenter aug = new ViewAugmenter(AugmentSettings.of(config), Normalization.of(set));
    float[] out = new float[set.imageBytes()];
    for (int i = 0; i < set.size(); i++) {
      aug.view(set, i, 1, 0, 0, out, 0);
    }
    long t0 = System.nanoTime();
    int views = 0;
    for (int rep = 0; rep < 4; rep++) {
      for (int i = 0; i < set.size(); i++) {
        aug.view(set, i, 1, rep + 1, 0, out, 0);
        views++;
      }
    }
    return views / ((System.nanoTime() - t0) / 1e9);
  }

  private static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static List<Double> roundAll(double[] v) {
    List<Double> out = new ArrayList<>();
    for (double x : v) {
      out.add(round(x, 3));
    }
    return out;
  }
}
