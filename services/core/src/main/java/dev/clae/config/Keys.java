package dev.clae.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key of a run, with its default and meaning. Defaults marked {@code auto}
 * follow the base method, as in the reference setups of Ho and Vasconcelos (NeurIPS 2020):
 *
 * <pre>
 *              simclr            uel / plain
 * temperature  0.5               0.1
 * batch        256               128
 * optimiser    adam, lr 3e-4     sgd, lr 0.03, momentum 0.9, wd 5e-4, steps at 120/160/200
 * epochs       100               301
 * head         d -&gt; d -&gt; ReLU -&gt; 64  d -&gt; 128 (linear)
 * crop scale   0.08 - 1          0.2 - 1
 * </pre>
 */
public final class Keys {
  private static final Map<String, Key<?>> ALL = new LinkedHashMap<>();

  /** Base contrastive method: simclr (NT-Xent), uel (BatchCriterion) or plain (InfoNCE). */
  public static final Key<String> METHOD =
      add(
          Key.ofChoice(
              "method",
              "simclr",
              "Base contrastive method: simclr (NT-Xent over 2B rows), uel (BatchCriterion,"
                  + " instance spreading) or plain (one-way InfoNCE over the BxB cross-view"
                  + " matrix).",
              "simclr",
              "uel",
              "plain"));

  /** Whether one view is replaced by a CLAE adversarial example. */
  public static final Key<Boolean> ADV_ENABLED =
      add(
          Key.ofBool(
              "adversarial.enabled",
              "true",
              "Train on clean loss + alpha * adversarial loss (CLAE). When false the base method"
                  + " runs alone and the encoder has single batch norms."));

  /** FGSM step size in normalised pixel units. */
  public static final Key<Double> ADV_EPS =
      add(
          Key.ofDouble(
              "adversarial.eps",
              "0.03",
              0,
              false,
              10,
              "FGSM step size, applied in normalised input space: x_adv = x + eps * sign(grad)."));

  /** Weight of the adversarial loss. */
  public static final Key<Double> ADV_ALPHA =
      add(
          Key.ofDouble(
              "adversarial.alpha",
              "1.0",
              0,
              false,
              1000,
              "Weight alpha of the adversarial loss in clean + alpha * adversarial."));

  /** Momentum of the adversarial batch norms, PyTorch convention. */
  public static final Key<Double> ADV_BN_MOMENTUM =
      add(
          Key.ofDouble(
              "adversarial.bn.momentum",
              "0.01",
              0,
              true,
              1,
              "Momentum of the adversarial batch norms in PyTorch's convention:"
                  + " running = (1 - m) * running + m * batch."));

  /** Momentum of the clean batch norms, PyTorch convention. */
  public static final Key<Double> BN_MOMENTUM =
      add(
          Key.ofDouble(
              "bn.momentum",
              "0.1",
              0,
              true,
              1,
              "Momentum of the clean batch norms in PyTorch's convention."));

  /** Encoder architecture. */
  public static final Key<String> ENCODER =
      add(
          Key.ofChoice(
              "encoder.name",
              "resnet18",
              "Encoder: resnet18 (CIFAR variant: 3x3 stem, stride 1, no max-pool) or convnet"
                  + " (three conv layers, for tests and quick runs).",
              "resnet18",
              "convnet"));

  /** Channel width multiplier. */
  public static final Key<Double> ENCODER_WIDTH =
      add(
          Key.ofDouble(
              "encoder.width",
              "1.0",
              0,
              true,
              16,
              "Channel multiplier: resnet18 has 64w-128w-256w-512w channels and 512w features;"
                  + " convnet 32w-64w-128w and 128w features."));

  /** Output size of the projection head. */
  public static final Key<Integer> HEAD_DIM =
      add(
          Key.ofInt(
              "head.dim",
              "auto",
              1,
              1 << 16,
              "Size of the L2-normalised embedding z (auto: 64 for simclr, 128 otherwise)."));

  /** Hidden size of the projection head, 0 for a linear head. */
  public static final Key<Integer> HEAD_HIDDEN =
      add(
          Key.ofInt(
              "head.hidden",
              "auto",
              0,
              1 << 16,
              "Hidden units of the head's MLP; 0 makes the head one linear layer (auto: the"
                  + " feature size for simclr, 0 otherwise)."));

  /** Temperature of the contrastive loss. */
  public static final Key<Double> TEMPERATURE =
      add(
          Key.ofDouble(
              "loss.temperature",
              "auto",
              0,
              true,
              100,
              "Temperature T dividing cosine similarities (auto: 0.5 for simclr, 0.1 otherwise)."));

  /** Training epochs. */
  public static final Key<Integer> EPOCHS =
      add(
          Key.ofInt(
              "train.epochs",
              "auto",
              1,
              100_000,
              "Passes over the training images (auto: 100 for simclr, 301 otherwise)."));

  /** Images per batch. */
  public static final Key<Integer> BATCH_SIZE =
      add(
          Key.ofInt(
              "train.batch.size",
              "auto",
              2,
              1 << 20,
              "Images per batch; each gives two views, so a contrastive loss needs at least 2"
                  + " (auto: 256 for simclr, 128 otherwise). A last partial batch is dropped."));

  /** Seed for initialisation, data order and augmentation. */
  public static final Key<Long> SEED =
      add(
          Key.ofLong(
              "train.seed",
              "0",
              "Seed of the weight initialisation, the data order and every augmentation."));

  /** Whether to resume from a checkpoint in the output folder. */
  public static final Key<Boolean> RESUME =
      add(
          Key.ofBool(
              "train.resume",
              "true",
              "Resume from the newest checkpoint in output.dir when its config matches."));

  /** Seconds between progress lines. */
  public static final Key<Double> LOG_INTERVAL =
      add(
          Key.ofDouble(
              "train.log.interval.seconds",
              "10",
              0,
              false,
              86_400,
              "Seconds between progress lines (loss, images/second, time left); 0 logs every"
                  + " step."));

  /** Optimiser. */
  public static final Key<String> OPTIMIZER =
      add(
          Key.ofChoice(
              "optimizer.name",
              "auto",
              "Optimiser: adam or sgd (with momentum), both in PyTorch's formulation (auto: adam"
                  + " for simclr, sgd otherwise).",
              "adam",
              "sgd"));

  /** Learning rate. */
  public static final Key<Double> LR =
      add(
          Key.ofDouble(
              "optimizer.lr",
              "auto",
              0,
              true,
              100,
              "Initial learning rate (auto: 3e-4 for adam, 0.03 for sgd)."));

  /** SGD momentum. */
  public static final Key<Double> MOMENTUM =
      add(Key.ofDouble("optimizer.momentum", "0.9", 0, false, 1, "SGD momentum."));

  /** L2 weight decay. */
  public static final Key<Double> WEIGHT_DECAY =
      add(
          Key.ofDouble(
              "optimizer.weight.decay",
              "auto",
              0,
              false,
              1,
              "L2 weight decay added to the gradient (auto: 5e-4 for sgd, 0 for adam)."));

  /** Epochs at which the learning rate is multiplied by the gamma. */
  public static final Key<List<Integer>> LR_MILESTONES =
      add(
          Key.ofIntList(
              "optimizer.lr.milestones.epochs",
              "auto",
              "Comma-separated epochs at which the learning rate is multiplied by"
                  + " optimizer.lr.gamma (auto: 120,160,200 for sgd, none for adam)."));

  /** Step-decay factor. */
  public static final Key<Double> LR_GAMMA =
      add(
          Key.ofDouble(
              "optimizer.lr.gamma", "0.1", 0, true, 1, "Learning-rate factor at each milestone."));

  /** Dataset. */
  public static final Key<String> DATA =
      add(
          Key.ofChoice(
              "data.name",
              "fashion-mnist",
              "Dataset: fashion-mnist (gzipped IDX), cifar10 or cifar100 (binary version),"
                  + " folder (train/ and test/ with one sub-folder a class, PNG or JPEG) or"
                  + " synthetic (generated patterns, for tests).",
              "fashion-mnist",
              "cifar10",
              "cifar100",
              "folder",
              "synthetic"));

  /** Dataset location. */
  public static final Key<String> DATA_PATH =
      add(
          Key.ofString(
              "data.path",
              "auto",
              "Folder of the dataset files (auto: for fashion-mnist the first of"
                  + " /usr/share/datasets/fashion-mnist and ~/.cache/clae/fashion-mnist that holds"
                  + " it; required for cifar10, cifar100 and folder)."));

  /** Use only the first N training images. */
  public static final Key<Integer> TRAIN_LIMIT =
      add(
          Key.ofInt(
              "data.train.limit",
              "0",
              0,
              Integer.MAX_VALUE,
              "Use only the first N training images (0: all)."));

  /** Use only the first N test images. */
  public static final Key<Integer> TEST_LIMIT =
      add(
          Key.ofInt(
              "data.test.limit",
              "0",
              0,
              Integer.MAX_VALUE,
              "Evaluate on the first N test images only (0: all)."));

  /** Synthetic training images. */
  public static final Key<Integer> SYNTH_TRAIN =
      add(
          Key.ofInt(
              "data.synthetic.train.size",
              "2000",
              1,
              10_000_000,
              "Training images of the synthetic set."));

  /** Synthetic test images. */
  public static final Key<Integer> SYNTH_TEST =
      add(
          Key.ofInt(
              "data.synthetic.test.size",
              "1000",
              1,
              10_000_000,
              "Test images of the synthetic set."));

  /** Synthetic image side. */
  public static final Key<Integer> SYNTH_SIZE =
      add(Key.ofInt("data.synthetic.image.size", "28", 8, 256, "Side of synthetic images."));

  /** Synthetic channels. */
  public static final Key<Integer> SYNTH_CHANNELS =
      add(Key.ofInt("data.synthetic.channels", "1", 1, 3, "Channels of synthetic images."));

  /** Lower bound of the crop's area fraction. */
  public static final Key<Double> CROP_SCALE_MIN =
      add(
          Key.ofDouble(
              "augment.crop.scale.min",
              "auto",
              0,
              true,
              1,
              "Smallest area fraction of a random resized crop (auto: 0.08 for simclr, 0.2"
                  + " otherwise); aspect ratio in [3/4, 4/3]."));

  /** Horizontal flip probability. */
  public static final Key<Double> FLIP_PROB =
      add(Key.ofDouble("augment.flip.prob", "0.5", 0, false, 1, "Horizontal flip probability."));

  /** Colour jitter probability. */
  public static final Key<Double> JITTER_PROB =
      add(
          Key.ofDouble(
              "augment.jitter.prob",
              "auto",
              0,
              false,
              1,
              "Probability of colour jitter (auto: 0.8 for simclr, 1 otherwise)."));

  /** Brightness jitter strength. */
  public static final Key<Double> JITTER_BRIGHTNESS =
      add(
          Key.ofDouble(
              "augment.jitter.brightness",
              "auto",
              0,
              false,
              1,
              "Brightness factor drawn from [1-b, 1+b] (auto: 0.8 for simclr, 0.4 otherwise)."));

  /** Contrast jitter strength. */
  public static final Key<Double> JITTER_CONTRAST =
      add(
          Key.ofDouble(
              "augment.jitter.contrast",
              "auto",
              0,
              false,
              1,
              "Contrast factor drawn from [1-c, 1+c] (auto: 0.8 for simclr, 0.4 otherwise)."));

  /** Saturation jitter strength, colour images only. */
  public static final Key<Double> JITTER_SATURATION =
      add(
          Key.ofDouble(
              "augment.jitter.saturation",
              "auto",
              0,
              false,
              1,
              "Saturation factor from [1-s, 1+s]; colour images only (auto: 0.8 for simclr,"
                  + " 0.4 otherwise)."));

  /** Hue jitter strength, colour images only. */
  public static final Key<Double> JITTER_HUE =
      add(
          Key.ofDouble(
              "augment.jitter.hue",
              "auto",
              0,
              false,
              0.5,
              "Hue shift from [-h, h] turns; colour images only (auto: 0.2 for simclr, 0.4"
                  + " otherwise)."));

  /** Grayscale probability, colour images only. */
  public static final Key<Double> GRAYSCALE_PROB =
      add(
          Key.ofDouble(
              "augment.grayscale.prob",
              "0.2",
              0,
              false,
              1,
              "Probability of turning a colour view gray; no effect on one-channel data."));

  /** Augmentation threads. */
  public static final Key<Integer> AUGMENT_THREADS =
      add(
          Key.ofInt(
              "augment.threads",
              "1",
              1,
              256,
              "Threads that prepare the next batch of views while the current one trains."));

  /** Neighbours of the kNN classifier. */
  public static final Key<Integer> KNN_K =
      add(
          Key.ofInt(
              "eval.knn.k",
              "200",
              1,
              1_000_000,
              "Neighbours of the weighted kNN classifier (capped at the training images)."));

  /** Temperature of the kNN vote weights. */
  public static final Key<Double> KNN_TEMPERATURE =
      add(
          Key.ofDouble(
              "eval.knn.temperature",
              "auto",
              0,
              true,
              100,
              "Vote weight exp(sim / T) of each neighbour (auto: loss.temperature)."));

  /** Epochs between kNN evaluations during training. */
  public static final Key<Integer> KNN_INTERVAL =
      add(
          Key.ofInt(
              "eval.knn.interval.epochs",
              "0",
              0,
              100_000,
              "Run kNN every N epochs during training and record the curve (0: at the end"
                  + " only)."));

  /** Which features the evaluations read. */
  public static final Key<String> EVAL_FEATURES =
      add(
          Key.ofChoice(
              "eval.features",
              "auto",
              "Features for kNN and the linear probe: backbone (pooled encoder output) or"
                  + " embedding (normalised head output) (auto: backbone for simclr, embedding"
                  + " otherwise).",
              "backbone",
              "embedding"));

  /** Linear-probe epochs. */
  public static final Key<Integer> LINEAR_EPOCHS =
      add(
          Key.ofInt(
              "eval.linear.epochs",
              "100",
              0,
              100_000,
              "Epochs of the linear probe (Adam) on frozen features; the reported accuracy is"
                  + " the final epoch's. 0 skips the probe."));

  /** Linear-probe learning rate. */
  public static final Key<Double> LINEAR_LR =
      add(
          Key.ofDouble(
              "eval.linear.lr", "3e-4", 0, true, 100, "Adam learning rate of the linear probe."));

  /** Linear-probe batch. */
  public static final Key<Integer> LINEAR_BATCH =
      add(Key.ofInt("eval.linear.batch.size", "256", 1, 1 << 20, "Batch of the linear probe."));

  /** Whether to evaluate the untrained encoder. */
  public static final Key<Boolean> EVAL_UNTRAINED =
      add(
          Key.ofBool(
              "eval.untrained",
              "true",
              "Also run kNN with the encoder at initialisation, as the floor to beat."));

  /** Feature-extraction batch. */
  public static final Key<Integer> EVAL_BATCH =
      add(
          Key.ofInt(
              "eval.batch.size", "256", 1, 1 << 20, "Images a forward pass when extracting."));

  /** Output folder. */
  public static final Key<String> OUTPUT_DIR =
      add(
          Key.ofString(
              "output.dir",
              "auto",
              "Folder for result.json, the loss curve and checkpoints (auto:"
                  + " runs/<method>[-clae]-<data>-seed<seed>)."));

  /** Compute device. */
  public static final Key<String> DEVICE =
      add(
          Key.ofChoice(
              "device",
              "cpu",
              "Compute device: cpu, or gpu (needs a CUDA build of libtorch, see docs/gpu.md).",
              "cpu",
              "gpu"));

  /** Engine threads. */
  public static final Key<Integer> THREADS =
      add(
          Key.ofInt(
              "engine.threads",
              "0",
              0,
              1024,
              "Intra-op threads of the PyTorch engine (0: one per core). Takes effect only"
                  + " before the engine first loads in a process."));

  /** Epochs between checkpoints. */
  public static final Key<Integer> CHECKPOINT_INTERVAL =
      add(
          Key.ofInt(
              "checkpoint.interval.epochs",
              "1",
              0,
              100_000,
              "Write a checkpoint every N epochs and at the end (0: only at the end)."));

  /** Checkpoints kept. */
  public static final Key<Integer> CHECKPOINT_KEEP =
      add(Key.ofInt("checkpoint.keep", "2", 1, 1000, "Newest checkpoints kept in output.dir."));

  /** Timed steps of each variant in the benchmark. */
  public static final Key<Integer> BENCH_STEPS =
      add(
          Key.ofInt(
              "bench.steps",
              "3",
              1,
              100_000,
              "Timed steps of each variant in clae bench (variants take turns step by step)."));

  /** Untimed warm-up steps in the benchmark. */
  public static final Key<Integer> BENCH_WARMUP =
      add(Key.ofInt("bench.warmup.steps", "1", 0, 1000, "Untimed steps of each variant first."));

  /** Batch of the benchmark. */
  public static final Key<Integer> BENCH_BATCH =
      add(Key.ofInt("bench.batch.size", "128", 2, 1 << 16, "Images a step in clae bench."));

  /** Image side of the benchmark. */
  public static final Key<Integer> BENCH_IMAGE =
      add(Key.ofInt("bench.image.size", "32", 8, 512, "Image side in clae bench."));

  /** Channels of the benchmark. */
  public static final Key<Integer> BENCH_CHANNELS =
      add(Key.ofInt("bench.channels", "3", 1, 3, "Image channels in clae bench."));

  /** Matrix side of the matrix-product benchmark. */
  public static final Key<Integer> BENCH_MATMUL =
      add(
          Key.ofInt(
              "bench.matmul.size",
              "4096",
              64,
              16_384,
              "Side n of the n x n float matrix product that measures the machine's FLOP/s."));

  /** Steps of the memory-flatness run. */
  public static final Key<Integer> BENCH_MEMORY_STEPS =
      add(
          Key.ofInt(
              "bench.memory.steps",
              "0",
              0,
              1_000_000,
              "When > 0, clae bench also runs this many CLAE steps of the configured model and"
                  + " reports resident memory at step 20 and at the last step."));

  /** Allowed staleness of adversarial views in the pipeline. */
  public static final Key<Integer> PIPELINE_MAX_LAG =
      add(
          Key.ofInt(
              "pipeline.max.lag.steps",
              "0",
              0,
              1_000_000,
              "Pipeline only: an adversarial view made with weights more than this many optimiser"
                  + " steps older than the trainer's is not trained on and is counted as stale."
                  + " 0 reproduces the single-process algorithm (the attack sees the weights the"
                  + " step trains)."));

  /** Steps between weight snapshots in the pipeline. */
  public static final Key<Integer> PIPELINE_WEIGHTS_INTERVAL =
      add(
          Key.ofInt(
              "pipeline.weights.interval.steps",
              "1",
              1,
              1_000_000,
              "Pipeline only: the trainer publishes weights for the adversaries every N optimiser"
                  + " steps; at most pipeline.max.lag.steps + 1, so that every batch has weights"
                  + " recent enough."));

  /** View batches requested ahead of training in the pipeline. */
  public static final Key<Integer> PIPELINE_PREFETCH =
      add(
          Key.ofInt(
              "pipeline.prefetch.batches",
              "4",
              1,
              10_000,
              "Pipeline only: view batches the trainer asks the augmenter for ahead of the one it"
                  + " trains (the flow-control window)."));

  /** Steps between trainer checkpoints in the pipeline. */
  public static final Key<Integer> PIPELINE_CHECKPOINT_STEPS =
      add(
          Key.ofInt(
              "pipeline.checkpoint.interval.steps",
              "0",
              0,
              1_000_000,
              "Pipeline only: the trainer writes a checkpoint to the object store every N steps"
                  + " (0: at the end of every epoch only); a restarted trainer resumes from the"
                  + " newest."));

  private Keys() {}

  private static <T> Key<T> add(Key<T> key) {
    ALL.put(key.name(), key);
    return key;
  }

  /** Returns every key by name, in declaration order. */
  public static Map<String, Key<?>> all() {
    return Collections.unmodifiableMap(ALL);
  }
}
