package dev.clae.evaluator;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.config.ConfigException;
import dev.clae.data.DataException;
import dev.clae.encoder.ContrastiveNet;
import dev.clae.encoder.Networks;
import dev.clae.eval.FeatureSet;
import dev.clae.platform.Artifacts;
import dev.clae.platform.DataFetch;
import dev.clae.platform.DeadLetters;
import dev.clae.platform.Engines;
import dev.clae.platform.Kafka;
import dev.clae.platform.Messages;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.PipelineService;
import dev.clae.platform.RejectedMessageException;
import dev.clae.platform.RunEvents;
import dev.clae.platform.RunSpecs;
import dev.clae.platform.ServiceContext;
import dev.clae.proto.CheckpointNotice;
import dev.clae.proto.EvalResult;
import dev.clae.proto.RunState;
import dev.clae.train.Checkpoint;
import dev.clae.train.EngineSetup;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The evaluator: scores every checkpoint the trainer announces through the clean batch norms, as
 * {@code clae train} does at the end of a run. The untrained encoder gets kNN and the linear probe
 * (the floor), epoch checkpoints kNN (the curve), the final one both; each evaluation is written to
 * the object store as a report and published on the results topic. After the final one it writes
 * the run's {@code result.json}, with the fields of {@code clae train}'s, and the loss curve as CSV
 * and PNG, and marks the run completed.
 *
 * <p>Evaluations are idempotent: a redelivered notice whose report exists is answered from the
 * report.
 */
public final class EvaluatorService implements PipelineService {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServiceContext ctx;
  private final Device device;
  private final ObjectStore store;
  private final RunSpecs specs;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final DeadLetters deadLetters;
  private final Map<String, RunData> data = new LinkedHashMap<>();
  private volatile boolean running = true;

  /** Connects to Kafka and the object store and prepares the engine. */
  public EvaluatorService(ServiceContext ctx) {
    this.ctx = ctx;
    this.device = Engines.prepare(ctx.settings());
    ctx.topics().ensure(ctx.settings());
    this.store = ObjectStore.connect(ctx.settings());
    this.specs = new RunSpecs(store);
    this.producer = Kafka.producer(ctx.settings(), ctx.serviceId());
    this.consumer = Kafka.consumer(ctx.settings(), "evaluator", ctx.serviceId(), 1);
    this.deadLetters = new DeadLetters(producer, ctx.topics(), ctx.metrics(), ctx.serviceId());
  }

  @Override
  public void run() {
    EngineSetup.prepareThread();
    consumer.subscribe(List.of(ctx.topics().checkpoints));
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          handle(r);
          consumer.commitSync(
              Map.of(
                  new TopicPartition(r.topic(), r.partition()),
                  new OffsetAndMetadata(r.offset() + 1)));
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    }
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    CheckpointNotice n;
    try {
      n = Messages.parse(CheckpointNotice.parser(), r);
      Messages.runId(n.getRunId());
    } catch (RejectedMessageException e) {
      deadLetters.reject(r, e.getMessage());
      return;
    }
    MDC.put("runTag", " [" + n.getRunId() + "]");
    try {
      evaluate(n);
    } catch (RejectedMessageException e) {
      deadLetters.reject(r, e.getMessage());
    } catch (ConfigException | DataException e) {
      fail(n.getRunId(), e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.error("evaluation of {} failed: {}", n.getObjectKey(), e.toString(), e);
      deadLetters.reject(r, "evaluator error: " + e);
    } finally {
      MDC.remove("runTag");
    }
  }

  private void evaluate(CheckpointNotice n) throws IOException {
    String run = n.getRunId();
    String kind = n.getKind().name().toLowerCase(java.util.Locale.ROOT);
    String reportKey = Artifacts.evalReport(run, kind, n.getStep());
    Map<String, Object> report = readJson(reportKey);
    if (report == null) {
      report = score(n, run, kind);
      store.put(reportKey, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
      if (n.getKind() != CheckpointNotice.Kind.FINAL) {
        store.delete(n.getObjectKey());
      }
    }
    EvalResult.Builder result =
        EvalResult.newBuilder()
            .setRunId(run)
            .setKind(n.getKind())
            .setStep(n.getStep())
            .setEpochsDone(n.getEpochsDone())
            .setKnnTop1(((Number) report.get("knn_top1")).doubleValue())
            .setTrainSeconds(n.getTrainSeconds())
            .setEvalSeconds(((Number) report.get("eval_seconds")).doubleValue())
            .setReportKey(reportKey);
    Object linear = report.get("linear_top1");
    if (linear instanceof Number x) {
      result.setHasLinear(true).setLinearTop1(x.doubleValue());
    }
    if (n.getKind() == CheckpointNotice.Kind.FINAL) {
      result.setResultKey(Artifacts.result(run));
    }
    producer.send(new ProducerRecord<>(ctx.topics().results, run, result.build().toByteArray()));
    if (n.getKind() == CheckpointNotice.Kind.FINAL) {
      RunEvents.publish(
          ctx, producer, run, RunState.COMPLETED, "result in " + store.uri(Artifacts.result(run)));
    }
    producer.flush();
    ctx.metrics().increment("evaluations_total{kind=\"" + kind + "\"}");
  }

  private Map<String, Object> score(CheckpointNotice n, String run, String kind)
      throws IOException {
    RunSpecs.Spec spec = specs.get(run);
    RunData rd = runData(run, spec);
    byte[] raw =
        store
            .find(n.getObjectKey())
            .orElseThrow(
                () -> new RejectedMessageException("no weights at " + store.uri(n.getObjectKey())));
    Checkpoint ckpt = null;
    byte[] weights = raw;
    if (n.getKind() == CheckpointNotice.Kind.FINAL) {
      ckpt = Checkpoint.fromBytes(raw, store.uri(n.getObjectKey()));
      weights = ckpt.weights();
    }
    long t0 = System.nanoTime();
    Map<String, Object> report = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager(device)) {
      ContrastiveNet net = Networks.create(rd.config, rd.image, m);
      net.loadWeights(weights, m);
      FeatureSet[] f = rd.evaluator.features(net, m);
      double knn = rd.evaluator.knn(f, m);
      boolean withLinear =
          n.getKind() == CheckpointNotice.Kind.FINAL
              || (n.getKind() == CheckpointNotice.Kind.INITIAL
                  && rd.config.get(dev.clae.config.Keys.EVAL_UNTRAINED));
      Double linear = null;
      if (withLinear) {
        double l = rd.evaluator.linear(f, m);
        linear = Double.isNaN(l) ? null : l;
      }
      report.put("run_id", run);
      report.put("kind", kind);
      report.put("step", n.getStep());
      report.put("epochs_done", n.getEpochsDone());
      report.put("knn_top1", knn);
      report.put("linear_top1", linear);
      report.put("train_seconds", n.getTrainSeconds());
      report.put("eval_seconds", (System.nanoTime() - t0) / 1e9);
      report.put("evaluator", ctx.serviceId());
    }
    LOG.info(
        "{} checkpoint at step {}: kNN top-1 {}, linear top-1 {}",
        kind,
        n.getStep(),
        fmt(report.get("knn_top1")),
        fmt(report.get("linear_top1")));
    if (ckpt != null) {
      new ResultWriter(store, JSON).write(spec, rd, ckpt, report, device.toString());
    }
    return report;
  }

  private RunData runData(String run, RunSpecs.Spec spec) {
    RunData rd = data.get(run);
    if (rd == null) {
      rd = new RunData(DataFetch.localize(spec.config(), store, ctx.settings()));
      data.put(run, rd);
      if (data.size() > 2) {
        data.remove(data.keySet().iterator().next());
      }
    }
    return rd;
  }

  private Map<String, Object> readJson(String key) throws IOException {
    var raw = store.find(key);
    if (raw.isEmpty()) {
      return null;
    }
    return JSON.readValue(raw.get(), new TypeReference<Map<String, Object>>() {});
  }

  private void fail(String run, String message) {
    LOG.error("run cannot be evaluated: {}", message);
    RunEvents.publish(ctx, producer, run, RunState.FAILED, message);
  }

  private static String fmt(Object v) {
    return v instanceof Number x
        ? String.format(java.util.Locale.ROOT, "%.4f", x.doubleValue())
        : "n/a";
  }

  @Override
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
    producer.close();
    store.close();
  }
}
