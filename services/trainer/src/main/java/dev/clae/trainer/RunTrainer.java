package dev.clae.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clae.config.ClaeConfig;
import dev.clae.config.Keys;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.Networks;
import dev.clae.loss.Losses;
import dev.clae.optim.LearningRate;
import dev.clae.optim.Optimizer;
import dev.clae.optim.Optimizers;
import dev.clae.platform.Artifacts;
import dev.clae.platform.Cancellations;
import dev.clae.platform.DeadLetters;
import dev.clae.platform.Kafka;
import dev.clae.platform.Messages;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.Payloads;
import dev.clae.platform.RejectedMessageException;
import dev.clae.platform.RunSpecs;
import dev.clae.platform.ServiceContext;
import dev.clae.platform.WireCodec;
import dev.clae.proto.AdversarialBatch;
import dev.clae.proto.BatchRequest;
import dev.clae.proto.CheckpointNotice;
import dev.clae.proto.Payload;
import dev.clae.proto.Progress;
import dev.clae.proto.RunState;
import dev.clae.proto.ViewBatch;
import dev.clae.proto.WeightSnapshot;
import dev.clae.train.Checkpoint;
import dev.clae.train.ClaeStep;
import dev.clae.train.EngineSetup;
import dev.clae.train.StepRecord;
import dev.clae.train.StepResult;
import dev.clae.train.TrainRun;
import dev.clae.util.Scalars;
import dev.clae.util.StagingBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one run in the pipeline, step for step as {@code clae train} does, with the attack made
 * elsewhere:
 *
 * <ol>
 *   <li>restore the newest checkpoint of the run from the object store, or initialise the network
 *       from the run's seed; pick a fresh generation number, so that batches asked for by an
 *       earlier incarnation of the trainer are told apart and dropped;
 *   <li>ask the augmenter for the next {@code pipeline.prefetch.batches} batches, and one more
 *       after each batch processed (credit-based flow control);
 *   <li>for batch {@code b}, wait for its views and, with CLAE, its adversarial direction; drop it
 *       (counted as stale) when the direction was made with weights more than {@code
 *       pipeline.max.lag.steps} behind, else train on {@code x_adv = x1 + eps * sign};
 *   <li>publish weights every {@code pipeline.weights.interval.steps} batches, checkpoints at epoch
 *       ends (and every {@code pipeline.checkpoint.interval.steps}), and notices for the evaluator:
 *       the untrained encoder, every {@code eval.knn.interval.epochs}, the end.
 * </ol>
 *
 * Weight version {@code v} means the weights after the first {@code v} batches were processed
 * (trained or dropped), so at a lag of 0 batch {@code b} is attacked with version {@code b}: the
 * weights it is trained with, as in one process.
 */
final class RunTrainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunTrainer.class);
  private static final long PROGRESS_EVERY_NANOS = 500_000_000L;
  private static final int KEEP_CHECKPOINTS = 2;

  private final ServiceContext ctx;
  private final ObjectStore store;
  private final Producer<String, byte[]> producer;
  private final DeadLetters deadLetters;
  private final Cancellations cancellations;
  private final RunSpecs.Spec spec;
  private final ClaeConfig config;
  private final String run;
  private final Device device;

  /**
   * This incarnation's generation: later incarnations have larger numbers (milliseconds since the
   * epoch, with random low bits so that two starts in one millisecond still differ).
   */
  private final long generation =
      (System.currentTimeMillis() << 16) | (new SecureRandom().nextInt() & 0xFFFF);

  private final Inputs inputs;
  private final KafkaConsumer<String, byte[]> data;
  private final boolean adversarial;
  private final int maxLag;
  private final int weightsEvery;
  private final int prefetch;
  private final int checkpointEvery;
  private final StagingBuffer staging1 = new StagingBuffer();
  private final StagingBuffer staging2 = new StagingBuffer();
  private final StagingBuffer stagingSign = new StagingBuffer();
  private final int inlineMax;
  private final int earlyThreads;

  /** The step of a batch begun before its adversarial view arrived, or null. */
  private Early early;

  private final java.util.ArrayDeque<String> claimChecked = new java.util.ArrayDeque<>();

  /** Deletes garbage objects off the training thread, so a step never waits on the store. */
  private final java.util.concurrent.ExecutorService janitor =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "trainer-janitor");
            t.setDaemon(true);
            return t;
          });

  private NDManager manager;
  private ContrastiveNet net;
  private Optimizer optimizer;
  private ClaeStep step;
  private LearningRate schedule;
  private long processed;
  private long requestedEnd;
  private long total = -1;
  private int stepsPerEpoch;
  private double trainSeconds;
  private double waitSeconds;

  /** Process CPU seconds of earlier incarnations' training, and this one's at its start. */
  private double cpuBefore;

  private double cpuStarted = Double.NaN;
  private long stale;
  private long duplicatesBefore;
  private long lastLag;
  private long lagSum;
  private long lagCount;
  private long lastWeights = -1;

  /** The newest weight snapshot's message, and when it was last sent. */
  private byte[] lastWeightsMessage;

  private long lastWeightsSent;

  /**
   * How long the trainer may wait with no snapshot sent before it sends its newest one again: a
   * quarter of the shortest retention the pipeline gives its topics (a minute), so that the weights
   * topic always holds the snapshot the next step's direction needs, however long adversaries are
   * away. A waiting trainer sends one message of a few hundred KB (a claim check for large models)
   * every 15 s.
   */
  static final Duration RESEND_AFTER = Duration.ofSeconds(15);

  private final List<StepRecord> history = new ArrayList<>();
  private final Map<String, Object> extras = new LinkedHashMap<>();
  private long lastProgress;

  RunTrainer(
      ServiceContext ctx,
      ObjectStore store,
      Producer<String, byte[]> producer,
      DeadLetters deadLetters,
      Cancellations cancellations,
      RunSpecs.Spec spec,
      Device device) {
    this.ctx = ctx;
    this.store = store;
    this.producer = producer;
    this.deadLetters = deadLetters;
    this.cancellations = cancellations;
    this.spec = spec;
    this.config = spec.config();
    this.run = spec.runId();
    this.device = device;
    this.inputs = new Inputs(run, generation);
    this.adversarial = config.get(Keys.ADV_ENABLED);
    this.maxLag = config.get(Keys.PIPELINE_MAX_LAG);
    this.weightsEvery = config.get(Keys.PIPELINE_WEIGHTS_INTERVAL);
    this.prefetch = config.get(Keys.PIPELINE_PREFETCH);
    this.checkpointEvery = config.get(Keys.PIPELINE_CHECKPOINT_STEPS);
    this.data = Kafka.reader(ctx.settings(), ctx.serviceId() + "-data");
    this.inlineMax = ctx.settings().getInt(dev.clae.platform.Settings.INLINE_MAX_BYTES);
    this.earlyThreads = earlyThreads(ctx.settings());
  }

  /**
   * Returns {@code trainer.early.threads}.
   *
   * @throws IllegalArgumentException naming the setting when it is below -1 or not a number
   */
  static int earlyThreads(dev.clae.platform.Settings settings) {
    int n = settings.getInt(dev.clae.platform.Settings.TRAINER_EARLY_THREADS);
    if (n < -1) {
      throw new IllegalArgumentException(
          "trainer.early.threads=" + n + ": expected -1 (off), 0 (all threads) or a thread count");
    }
    return n;
  }

  /**
   * Trains the run to its end, unless it is cancelled or {@code stopping} turns true.
   *
   * @return the state the run ended in: COMPLETED here means training is done and the final
   *     checkpoint is announced (the evaluator completes the run)
   */
  RunState train(BooleanSupplier stopping) throws Exception {
    Checkpoint restored = newestCheckpoint();
    if (restored != null && Boolean.TRUE.equals(restored.extras().get("final"))) {
      LOG.info("training finished before; announcing the final checkpoint again");
      notice(
          CheckpointNotice.Kind.FINAL,
          restored.optimizerSteps(),
          restored.epochsDone(),
          Artifacts.checkpoint(run, ((Number) restored.extras().get("processed")).longValue()),
          restored.trainSeconds());
      return RunState.COMPLETED;
    }
    processed = restored == null ? 0 : ((Number) restored.extras().get("processed")).longValue();
    listenFromNow();
    request(processed + prefetch);
    ViewBatch first = awaitFirst(stopping);
    if (first == null) {
      return cancelledOrStopped();
    }
    setUp(first, restored);
    progress(RunState.RUNNING, null, true);
    long started = System.nanoTime();
    cpuStarted = TrainRun.processCpuSeconds();
    double secondsBefore = trainSeconds;
    while (processed < total) {
      if (stopping.getAsBoolean()) {
        return RunState.RUNNING;
      }
      if (cancellations.isCancelled(run)) {
        return cancelledOrStopped();
      }
      long b = processed;
      ViewBatch vb = inputs.views(b);
      AdversarialBatch ab = adversarial ? inputs.adversarial(b) : null;
      if (vb == null || (adversarial && ab == null)) {
        if (vb != null && early == null && earlyThreads >= 0) {
          // The clean half of the step needs no adversarial view: compute it while that is made.
          long e0 = System.nanoTime();
          early = beginEarly(vb);
          ctx.metrics().add("early_seconds_total", (System.nanoTime() - e0) / 1e9);
          continue;
        }
        long w0 = System.nanoTime();
        pollInputs(Duration.ofMillis(50));
        resendWeightsIfIdle();
        double waited = (System.nanoTime() - w0) / 1e9;
        waitSeconds += waited;
        ctx.metrics()
            .add(
                adversarial && vb != null
                    ? "wait_adversarial_seconds_total"
                    : "wait_views_seconds_total",
                waited);
        continue;
      }
      long s0 = System.nanoTime();
      StepResult r = processBatch(vb, ab);
      ctx.metrics().add("step_seconds_total", (System.nanoTime() - s0) / 1e9);
      trainSeconds = secondsBefore + (System.nanoTime() - started) / 1e9;
      afterBatch(b, vb, r);
    }
    trainSeconds = secondsBefore + (System.nanoTime() - started) / 1e9;
    extras.put("final", true);
    String key = checkpoint();
    notice(CheckpointNotice.Kind.FINAL, optimizer.steps(), epochsDone(), key, trainSeconds);
    progress(RunState.EVALUATING, null, true);
    LOG.info(
        "training done: {} batches, {} stale, {} duplicates, {} s",
        processed,
        stale,
        duplicates(),
        String.format("%.1f", trainSeconds));
    return RunState.COMPLETED;
  }

  private RunState cancelledOrStopped() {
    if (cancellations.isCancelled(run)) {
      progress(RunState.CANCELLED, "cancelled", true);
      LOG.info("run cancelled at batch {}", processed);
      return RunState.CANCELLED;
    }
    return RunState.RUNNING;
  }

  /** Points the data reader at the end of the batch topics, before anything is asked for. */
  private void listenFromNow() {
    List<TopicPartition> parts = new ArrayList<>();
    for (String topic : List.of(ctx.topics().views, ctx.topics().adversarial)) {
      for (PartitionInfo p : data.partitionsFor(topic)) {
        parts.add(new TopicPartition(topic, p.partition()));
      }
    }
    data.assign(parts);
    data.seekToEnd(parts);
    for (TopicPartition p : parts) {
      data.position(p);
    }
  }

  private ViewBatch awaitFirst(BooleanSupplier stopping) {
    while (!stopping.getAsBoolean() && !cancellations.isCancelled(run)) {
      pollInputs(Duration.ofMillis(100));
      ViewBatch vb = inputs.views(processed);
      if (vb != null) {
        return vb;
      }
    }
    return null;
  }

  private void setUp(ViewBatch first, Checkpoint restored) {
    stepsPerEpoch = first.getStepsPerEpoch();
    total = (long) first.getEpochs() * stepsPerEpoch;
    if (first.getShapeCount() != 4) {
      throw new RejectedMessageException("view shape " + first.getShapeList() + " is not B,C,H,W");
    }
    Shape image = new Shape(first.getShape(1), first.getShape(2), first.getShape(3));
    manager = NDManager.newBaseManager(device);
    Engine.getInstance().setRandomSeed(Long.hashCode(config.get(Keys.SEED)));
    net = Networks.create(config, image, manager);
    optimizer = Optimizers.create(config, net.trainableParameters(), manager);
    step = new ClaeStep(net, Losses.create(config), null, config.get(Keys.ADV_ALPHA), optimizer);
    schedule = Optimizers.schedule(config);
    if (restored != null) {
      net.loadWeights(restored.weights(), manager);
      try (NDManager scratch = manager.newSubManager()) {
        optimizer.loadState(
            NDList.decode(scratch, restored.optimizerState()), restored.optimizerSteps());
      }
      history.addAll(restored.history());
      trainSeconds = restored.trainSeconds();
      extras.putAll(restored.extras());
      stale = ((Number) extras.getOrDefault("stale_batches", 0)).longValue();
      duplicatesBefore = ((Number) extras.getOrDefault("duplicate_batches", 0)).longValue();
      lagSum = ((Number) extras.getOrDefault("lag_sum", 0)).longValue();
      lagCount = ((Number) extras.getOrDefault("lag_count", 0)).longValue();
      cpuBefore = ((Number) extras.getOrDefault("train_cpu_seconds", 0)).doubleValue();
      LOG.info(
          "resuming from the checkpoint at batch {} (generation {})",
          processed,
          Long.toHexString(generation));
    } else {
      LOG.info(
          "training {}{}: {} batches, generation {}",
          config.get(Keys.METHOD),
          adversarial ? "+CLAE" : "",
          total,
          Long.toHexString(generation));
      if (config.get(Keys.EVAL_UNTRAINED)) {
        String key = writeWeightsForEval(0);
        notice(CheckpointNotice.Kind.INITIAL, 0, 0, key, 0);
      }
    }
    publishWeights();
  }

  /** A step begun on its clean views: its arrays' scope, its anchor views and the step. */
  private record Early(long batch, NDManager scope, NDArray x1, ClaeStep.Begun begun)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        begun.close();
      } finally {
        scope.close();
      }
    }
  }

  /**
   * Stages a batch's views and begins its step. Forward passes give the same bits at any thread
   * count (ClaeStepBeginTest shows it), so the threads given to the clean half change only its
   * speed.
   */
  private Early begin(ViewBatch vb, int threads) {
    long[] shape = vb.getShapeList().stream().mapToLong(Long::longValue).toArray();
    int elements = elements(vb);
    byte[] bytes = inputs.payload(vb.getBatchId());
    NDManager s = manager.newSubManager();
    int before = EngineSetup.intraOpThreads();
    try {
      Shape sh = new Shape(shape);
      NDArray x1 = staging1.create(s, WireCodec.floats(bytes, 0, elements), sh);
      NDArray x2 = staging2.create(s, WireCodec.floats(bytes, elements, elements), sh);
      if (threads > 0 && threads != before) {
        EngineSetup.intraOpThreads(threads);
      }
      return new Early(vb.getBatchId(), s, x1, step.begin(x1, x2));
    } catch (RuntimeException e) {
      s.close();
      throw e;
    } finally {
      if (threads > 0 && threads != before) {
        EngineSetup.intraOpThreads(before);
      }
    }
  }

  /** Values in one view of a batch: the product of its shape, {@code B*C*H*W}. */
  private static int elements(ViewBatch vb) {
    return Math.toIntExact(
        vb.getShapeList().stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact));
  }

  private Early beginEarly(ViewBatch vb) {
    ctx.metrics().increment("steps_begun_early_total");
    return begin(vb, earlyThreads);
  }

  /** Abandons a step begun early: no update, the clean running statistics put back. */
  private void abandonEarly() {
    if (early != null) {
      early.close();
      early = null;
    }
  }

  private StepResult processBatch(ViewBatch vb, AdversarialBatch ab) {
    long b = vb.getBatchId();
    float[] sign = null;
    if (ab != null) {
      long lag = b - ab.getWeightVersion();
      if (lag < 0 || lag > maxLag) {
        abandonEarly();
        stale++;
        ctx.metrics().increment("batches_stale_total");
        LOG.warn("batch {}: adversarial view made with weights {} steps old; dropped", b, lag);
        return null;
      }
      int elements = elements(vb);
      if (ab.getElements() != elements) {
        abandonEarly();
        throw new RejectedMessageException(
            "adversarial batch " + b + " has " + ab.getElements() + " pixels, views " + elements);
      }
      sign =
          WireCodec.signs(
              ab.getPositiveBits(), ab.getZeroIndexList(), ab.getZeroBits(), ab.getElements());
      lastLag = lag;
      lagSum += lag;
      lagCount++;
    }
    int epoch = (int) (b / stepsPerEpoch);
    double lr = schedule.at(epoch);
    Early e = early != null && early.batch() == b ? early : begin(vb, 0);
    early = null;
    try (e) {
      NDArray xAdv = null;
      if (sign != null) {
        NDArray direction = stagingSign.create(e.scope(), sign, e.x1().getShape());
        xAdv = e.x1().add(Scalars.muli(direction, config.get(Keys.ADV_EPS)));
      }
      return e.begun().finish(xAdv, lr);
    }
  }

  private void afterBatch(long b, ViewBatch vb, StepResult r) {
    int epoch = (int) (b / stepsPerEpoch);
    if (r != null) {
      history.add(
          new StepRecord(
              optimizer.steps(),
              epoch,
              r.loss(),
              r.cleanLoss(),
              r.advLoss(),
              schedule.at(epoch),
              trainSeconds));
    }
    inputs.remove(b);
    processed = b + 1;
    if (vb.getViews().hasObjectKey()) {
      String key = vb.getViews().getObjectKey();
      janitor.execute(() -> store.delete(key));
    }
    if (adversarial && processed % weightsEvery == 0 && processed < total) {
      long p0 = System.nanoTime();
      publishWeights();
      ctx.metrics().add("weights_publish_seconds_total", (System.nanoTime() - p0) / 1e9);
    }
    request(processed + prefetch);
    boolean epochEnd = processed % stepsPerEpoch == 0;
    boolean last = processed == total;
    if (!last && (epochEnd || (checkpointEvery > 0 && processed % checkpointEvery == 0))) {
      checkpoint();
    }
    int knnEvery = config.get(Keys.KNN_INTERVAL);
    if (epochEnd && !last && knnEvery > 0 && epochsDone() % knnEvery == 0) {
      String key = writeWeightsForEval(processed);
      notice(CheckpointNotice.Kind.EPOCH, optimizer.steps(), epochsDone(), key, trainSeconds);
    }
    if (epochEnd) {
      LOG.info(
          "epoch {}/{}: loss {} {} img/s, waited {} s",
          epochsDone(),
          total / stepsPerEpoch,
          r == null ? "n/a" : String.format("%.4f", lastEpochLoss()),
          Math.round(imagesPerSecond()),
          String.format("%.1f", waitSeconds));
    }
    progress(RunState.RUNNING, null, epochEnd);
  }

  private void pollInputs(Duration timeout) {
    for (ConsumerRecord<String, byte[]> rec : data.poll(timeout)) {
      try {
        if (rec.topic().equals(ctx.topics().views)) {
          ViewBatch vb = Messages.parse(ViewBatch.parser(), rec);
          if (inputs.offer(vb, processed)) {
            // Read the bytes now, while the adversary works, not when the step needs them.
            try {
              inputs.payload(vb.getBatchId(), Payloads.read(vb.getViews(), store));
            } catch (RejectedMessageException e) {
              inputs.forgetViews(vb.getBatchId());
              reRequest(vb.getBatchId());
              throw e;
            }
          }
        } else {
          AdversarialBatch ab = Messages.parse(AdversarialBatch.parser(), rec);
          inputs.offer(ab, processed);
        }
      } catch (RejectedMessageException e) {
        deadLetters.reject(rec, e.getMessage());
      }
    }
  }

  /** Asks again for one batch whose views were unreadable (views are a function of b). */
  private void reRequest(long b) {
    BatchRequest req =
        BatchRequest.newBuilder()
            .setRunId(run)
            .setGeneration(generation)
            .setFirstBatch(b)
            .setEndBatch(b + 1)
            .build();
    producer.send(
        new ProducerRecord<>(ctx.topics().requests, Messages.batchKey(run, b), req.toByteArray()));
    ctx.metrics().increment("batches_rerequested_total");
  }

  private void request(long end) {
    long capped = total < 0 ? end : Math.min(end, total);
    if (capped <= requestedEnd && requestedEnd > 0) {
      return;
    }
    long from = Math.max(processed, requestedEnd);
    if (from >= capped) {
      return;
    }
    BatchRequest req =
        BatchRequest.newBuilder()
            .setRunId(run)
            .setGeneration(generation)
            .setFirstBatch(from)
            .setEndBatch(capped)
            .build();
    producer.send(
        new ProducerRecord<>(
            ctx.topics().requests, Messages.batchKey(run, from), req.toByteArray()));
    requestedEnd = capped;
  }

  private void publishWeights() {
    if (!adversarial || lastWeights == processed) {
      return;
    }
    byte[] w = net.saveWeights();
    Payload payload =
        Payloads.wrap(w, inlineMax, Artifacts.weights(run, generation, processed), store);
    WeightSnapshot snap =
        WeightSnapshot.newBuilder()
            .setRunId(run)
            .setGeneration(generation)
            .setVersion(processed)
            .setWeights(payload)
            .build();
    byte[] value = snap.toByteArray();
    producer.send(new ProducerRecord<>(ctx.topics().weights, run, value));
    lastWeightsMessage = value;
    lastWeightsSent = System.nanoTime();
    ctx.metrics().increment("weight_snapshots_total");
    ctx.metrics().add("weight_bytes_total", w.length);
    ctx.metrics().add("weight_message_bytes_total", value.length);
    if (payload.hasObjectKey()) {
      claimChecked.addLast(payload.getObjectKey());
      // Adversaries may still read the last max-lag + 1 snapshots; older ones are garbage.
      while (claimChecked.size() > maxLag + 2) {
        String key = claimChecked.removeFirst();
        janitor.execute(() -> store.delete(key));
      }
    }
    lastWeights = processed;
  }

  /**
   * Sends the newest snapshot's message again when none has been sent for {@link #RESEND_AFTER}.
   * Its claim-checked object, if any, is still kept (only older ones are deleted), and an adversary
   * that reads both copies keeps one.
   */
  private void resendWeightsIfIdle() {
    if (lastWeightsMessage == null
        || System.nanoTime() - lastWeightsSent < RESEND_AFTER.toNanos()) {
      return;
    }
    producer.send(new ProducerRecord<>(ctx.topics().weights, run, lastWeightsMessage));
    producer.flush();
    lastWeightsSent = System.nanoTime();
    ctx.metrics().increment("weight_snapshots_resent_total");
    LOG.info(
        "no weight snapshot sent for {} s while waiting: sent version {} again, so that the"
            + " weights topic keeps it whatever its retention",
        RESEND_AFTER.toSeconds(),
        lastWeights);
  }

  private String writeWeightsForEval(long at) {
    String key = Artifacts.run(run) + String.format("eval-weights/step-%010d.params", at);
    store.put(key, net.saveWeights());
    return key;
  }

  private String checkpoint() {
    byte[] opt;
    try (NDManager scratch = manager.newSubManager()) {
      opt = optimizer.saveState(scratch).encode();
    }
    extras.put("processed", processed);
    extras.put("stale_batches", stale);
    extras.put("duplicate_batches", duplicates());
    extras.put("lag_sum", lagSum);
    extras.put("lag_count", lagCount);
    extras.put("wait_seconds", waitSeconds);
    if (!Double.isNaN(cpuStarted)) {
      // The trainer process's CPU while it trained (its engine, Kafka and store clients): the
      // trainer's share of a step's compute when the attack runs elsewhere.
      extras.put("train_cpu_seconds", cpuBefore + TrainRun.processCpuSeconds() - cpuStarted);
    }
    Checkpoint c =
        new Checkpoint(
            config.asMap(),
            epochsDone(),
            optimizer.steps(),
            trainSeconds,
            extras,
            net.saveWeights(),
            opt,
            history);
    String key = Artifacts.checkpoint(run, processed);
    store.put(key, c.toBytes());
    List<String> all = store.list(Artifacts.checkpoints(run));
    for (int i = 0; i < all.size() - KEEP_CHECKPOINTS; i++) {
      store.delete(all.get(i));
    }
    return key;
  }

  private Checkpoint newestCheckpoint() {
    List<String> all = store.list(Artifacts.checkpoints(run));
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        return Checkpoint.fromBytes(store.get(all.get(i)), store.uri(all.get(i)));
      } catch (RuntimeException e) {
        LOG.warn("checkpoint {} is unreadable ({}); trying an older one", all.get(i), e.toString());
      }
    }
    return null;
  }

  private void notice(CheckpointNotice.Kind kind, long stepNo, int epochs, String key, double s) {
    CheckpointNotice n =
        CheckpointNotice.newBuilder()
            .setRunId(run)
            .setKind(kind)
            .setStep(stepNo)
            .setEpochsDone(epochs)
            .setObjectKey(key)
            .setTrainSeconds(s)
            .build();
    producer.send(new ProducerRecord<>(ctx.topics().checkpoints, run, n.toByteArray()));
    producer.flush();
  }

  private void progress(RunState state, String message, boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastProgress < PROGRESS_EVERY_NANOS) {
      return;
    }
    lastProgress = now;
    Progress.Builder p =
        Progress.newBuilder()
            .setRunId(run)
            .setState(state)
            .setSource(ctx.serviceId())
            .setTimeMs(System.currentTimeMillis())
            .setStep(processed)
            .setTotalSteps(Math.max(total, 0))
            .setEpoch(stepsPerEpoch > 0 ? epochsDone() : 0)
            .setEpochs(stepsPerEpoch > 0 ? (int) (total / stepsPerEpoch) : 0)
            .setImagesPerSecond(imagesPerSecond())
            .setTrainSeconds(trainSeconds)
            .setWaitSeconds(waitSeconds)
            .setWeightVersion(Math.max(lastWeights, 0))
            .setLag(lastLag)
            .setStaleBatches(stale)
            .setDuplicateBatches(duplicates());
    if (!history.isEmpty()) {
      StepRecord h = history.get(history.size() - 1);
      p.setLoss(h.loss()).setCleanLoss(h.cleanLoss());
      if (!Double.isNaN(h.advLoss())) {
        p.setAdversarialLoss(h.advLoss());
      }
    }
    if (message != null) {
      p.setMessage(message);
    }
    producer.send(new ProducerRecord<>(ctx.topics().progress, run, p.build().toByteArray()));
  }

  /** Reports a failure of the run. */
  void fail(String message) {
    progress(RunState.FAILED, message, true);
    producer.flush();
  }

  private int epochsDone() {
    return (int) (processed / stepsPerEpoch);
  }

  private long duplicates() {
    return duplicatesBefore + inputs.duplicates();
  }

  private double imagesPerSecond() {
    return trainSeconds > 0
        ? history.size() * (double) config.get(Keys.BATCH_SIZE) / trainSeconds
        : 0;
  }

  private double lastEpochLoss() {
    int e = history.get(history.size() - 1).epoch();
    return history.stream()
        .filter(h -> h.epoch() == e)
        .mapToDouble(StepRecord::loss)
        .average()
        .orElse(Double.NaN);
  }

  @Override
  public void close() {
    abandonEarly();
    janitor.shutdown();
    try {
      janitor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    data.close();
    if (optimizer != null) {
      optimizer.close();
    }
    if (manager != null) {
      manager.close();
    }
  }
}
