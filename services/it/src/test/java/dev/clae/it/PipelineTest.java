package dev.clae.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.clae.cli.CoordinatorClient;
import dev.clae.config.ClaeConfig;
import dev.clae.local.LocalPipeline;
import dev.clae.platform.Artifacts;
import dev.clae.platform.Kafka;
import dev.clae.platform.Topics;
import dev.clae.proto.RunEvent;
import dev.clae.proto.RunState;
import dev.clae.proto.RunStatus;
import dev.clae.proto.ViewBatch;
import dev.clae.proto.WeightSnapshot;
import dev.clae.train.StepRecord;
import dev.clae.train.TrainRun;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline end to end, against a real Kafka broker and a real S3 server, every service a
 * process of its own: a run through every service and the gRPC API, the same run reproduced exactly
 * at a lag of 0, a trainer killed mid-run, malformed messages, bad specs, the API token and
 * cancellation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineTest {
  /** Largest difference of a step's loss between the pipeline and one process (float32 noise). */
  private static final double LOSS_TOLERANCE = 1e-4;

  private Path work;
  private PipelineFixture f;
  private List<StepRecord> baselineCurve;
  private Map<String, Object> baseline;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    work = dir;
    // The single-process run the pipeline must reproduce at a lag of 0.
    Path out = work.resolve("train");
    ClaeConfig c =
        ClaeConfig.builder()
            .setAll(PipelineFixture.smallRun())
            .set("output.dir", out.toString())
            .build();
    baseline = new TrainRun(c).run();
    baselineCurve = new ArrayList<>();
    List<String> lines = Files.readAllLines(out.resolve("loss_curve.csv"));
    for (String line : lines.subList(1, lines.size())) {
      baselineCurve.add(StepRecord.parse(line));
    }
    f =
        new PipelineFixture(
            work.resolve("pipeline"), new LocalPipeline.Options(1, 2, 2, 1, 900_000));
  }

  @AfterAll
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  @Order(1)
  void aRunGoesThroughEveryServiceAndMatchesOneProcessAtLagZero() throws Exception {
    RunStatus submitted = f.client.submit(PipelineFixture.smallRun(), "e2e");
    assertEquals(RunState.QUEUED, submitted.getState());
    RunStatus end = f.awaitEnd(submitted.getRunId());
    assertEquals(RunState.COMPLETED, end.getState(), end.getMessage());

    Map<String, Object> r = f.result(end.getRunId());
    for (String key : baseline.keySet()) {
      assertTrue(r.containsKey(key), "result.json lacks " + key + " that clae train writes");
    }
    assertEquals(16, ((Number) r.get("optimizer_steps")).intValue());
    List<StepRecord> curve = f.lossCurve(end.getRunId());
    assertSameCurve(baselineCurve, curve);
    assertEquals(num(baseline, "knn_top1"), num(r, "knn_top1"), 1e-9);
    assertEquals(num(baseline, "knn_top1_untrained"), num(r, "knn_top1_untrained"), 1e-9);
    assertEquals(num(baseline, "linear_top1"), num(r, "linear_top1"), 1e-9);

    // Every evaluation the trainer asked for was made and published.
    assertEquals(3, end.getResultsCount(), "initial, epoch 1 and final evaluations");
    assertTrue(f.store.exists(Artifacts.lossPng(end.getRunId())));
    String adversary = f.pipeline.metrics("adversary-1");
    assertTrue(adversary.contains("clae_adversary_adversarial_batches_total 16.0"), adversary);
    // At lag 0 the trainer begins each step on its clean views while the adversary works on the
    // anchor views; the equalities above hold with the step split so.
    String trainer = f.pipeline.metrics("trainer");
    assertTrue(
        metric(trainer, "clae_trainer_steps_begun_early_total") >= 8,
        "fewer than half the steps were begun before their adversarial view arrived:\n" + trainer);
  }

  private static double metric(String metrics, String name) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  @Order(2)
  void aKilledTrainerResumesFromItsCheckpointAndTrainsNoBatchTwice() throws Exception {
    Map<String, String> spec = PipelineFixture.smallRun();
    spec.put("pipeline.checkpoint.interval.steps", "2");
    RunStatus s = f.client.submit(spec, "kill");
    RunStatus mid =
        f.awaitEvent(
            s.getRunId(),
            e -> e.getEventCase() == RunEvent.EventCase.PROGRESS && e.getProgress().getStep() >= 7);
    assertEquals(RunState.RUNNING, mid.getState());
    f.pipeline.kill("trainer");
    f.pipeline.restart("trainer");
    RunStatus end = f.awaitEnd(s.getRunId());
    assertEquals(RunState.COMPLETED, end.getState(), end.getMessage());

    String log = Files.readString(f.pipeline.logs().resolve("trainer.log"));
    assertTrue(
        log.matches("(?s).*resuming from the checkpoint at batch [1-9].*"),
        "the restarted trainer resumed from a checkpoint");
    List<StepRecord> curve = f.lossCurve(s.getRunId());
    for (int i = 0; i < curve.size(); i++) {
      assertEquals(i + 1, curve.get(i).step(), "optimiser steps in order, each once");
    }
    // The same losses as an uninterrupted run: no batch was skipped or trained twice.
    assertSameCurve(baselineCurve, curve);
    assertEquals(num(baseline, "knn_top1"), num(f.result(s.getRunId()), "knn_top1"), 1e-9);
  }

  @Test
  @Order(3)
  void badSpecsAreRefusedNamingTheKeyBeforeAnythingStarts() {
    int before = f.client.list().size();
    Map<String, String> cases = new HashMap<>();
    cases.put("adversarial.eps", "-0.1");
    cases.put("method", "byol");
    cases.put("train.batch.size", "1");
    cases.put("adversarial.epz", "0.1");
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      Map<String, String> spec = PipelineFixture.smallRun();
      spec.put(bad.getKey(), bad.getValue());
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> f.client.submit(spec, "bad"));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(
          e.getStatus().getDescription().contains(bad.getKey()),
          "the error names " + bad.getKey() + ": " + e.getStatus().getDescription());
    }
    Map<String, String> noData = PipelineFixture.smallRun();
    noData.put("data.name", "fashion-mnist");
    noData.put("data.path", work.resolve("missing").toString());
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> f.client.submit(noData, "bad"));
    assertTrue(e.getStatus().getDescription().startsWith("data.path="), e.getMessage());
    Map<String, String> lag = PipelineFixture.smallRun();
    lag.put("pipeline.weights.interval.steps", "3");
    e = assertThrows(StatusRuntimeException.class, () -> f.client.submit(lag, "bad"));
    assertTrue(e.getStatus().getDescription().contains("pipeline.max.lag.steps"));
    assertEquals(before, f.client.list().size(), "no run was created");
  }

  @Test
  @Order(4)
  void callsWithoutTheApiTokenAreUnauthenticated() {
    try (CoordinatorClient anonymous =
            new CoordinatorClient(f.pipeline.coordinatorAddress(), null);
        CoordinatorClient wrong = new CoordinatorClient(f.pipeline.coordinatorAddress(), "guess")) {
      for (CoordinatorClient c : List.of(anonymous, wrong)) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, c::list);
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
      }
    }
    assertFalse(f.client.list().isEmpty(), "the token itself works");
  }

  @Test
  @Order(5)
  void malformedMessagesAreDeadLetteredAndThePipelineGoesOn() throws Exception {
    Topics topics = new Topics(f.settings());
    byte[] truncated = {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    byte[] badRun =
        ViewBatch.newBuilder().setRunId("../../etc").setBatchId(0).build().toByteArray();
    List<String> poisoned =
        List.of(topics.runs, topics.requests, topics.views, topics.weights, topics.checkpoints);
    try (KafkaProducer<String, byte[]> p = Kafka.producer(f.settings(), "it-poison")) {
      for (String t : poisoned) {
        p.send(new ProducerRecord<>(t, "poison-truncated", truncated));
        p.send(new ProducerRecord<>(t, "poison-empty", new byte[0]));
      }
      p.send(new ProducerRecord<>(topics.views, "poison-run-id", badRun));
      p.send(new ProducerRecord<>(topics.views, "poison-big", new byte[900_000]));
      p.flush();
      // A run starts and finishes while more poison arrives on the trainer's own topics.
      RunStatus s = f.client.submit(PipelineFixture.smallRun(), "after-poison");
      f.awaitEvent(
          s.getRunId(),
          e -> e.getEventCase() == RunEvent.EventCase.PROGRESS && e.getProgress().getStep() >= 2);
      p.send(new ProducerRecord<>(topics.adversarial, "poison-adv", truncated));
      p.send(new ProducerRecord<>(topics.views, "poison-during", truncated));
      p.flush();
      RunStatus end = f.awaitEnd(s.getRunId());
      assertEquals(RunState.COMPLETED, end.getState(), end.getMessage());
    }
    Map<String, String> reasons = deadLetters(topics);
    for (String key :
        List.of(
            "poison-truncated",
            "poison-empty",
            "poison-run-id",
            "poison-big",
            "poison-adv",
            "poison-during")) {
      assertTrue(reasons.containsKey(key), key + " was dead-lettered; got " + reasons.keySet());
    }
    assertTrue(reasons.get("poison-run-id").contains("run id"), reasons.get("poison-run-id"));
    assertTrue(reasons.get("poison-empty").contains("empty"), reasons.get("poison-empty"));
    for (String service : f.pipeline.services().keySet()) {
      assertTrue(f.pipeline.services().get(service).isAlive(), service + " is still running");
    }
    assertTrue(f.pipeline.metrics("trainer").contains("messages_rejected_total"));
  }

  @Test
  @Order(6)
  void aTrainerLeftWaitingSendsItsWeightsAgainWithinTheTopicsRetention() throws Exception {
    // With no adversary, the trainer waits for the first direction; every 15 s (a quarter of the
    // shortest retention the topics may have) it sends its newest snapshot again, so that a long
    // wait never leaves the weights topic without it. Stopped politely, the adversary leaves the
    // consumer group at once (a killed one would hold its partitions until its session timed out).
    f.pipeline.stop("adversary-1");
    long submitted = System.nanoTime();
    RunStatus s = f.client.submit(PipelineFixture.smallRun(), "resend");
    long deadline = submitted + Duration.ofSeconds(60).toNanos();
    while (metric(f.pipeline.metrics("trainer"), "clae_trainer_weight_snapshots_resent_total")
        < 1) {
      assertTrue(System.nanoTime() < deadline, "the waiting trainer never sent its weights again");
      Thread.sleep(200);
    }
    double waited = (System.nanoTime() - submitted) / 1e9;
    assertTrue(waited >= 15, "sent again " + waited + " s after submission, before 15 s");
    assertEquals(RunState.RUNNING, f.client.get(s.getRunId()).getState());
    assertEquals(
        Map.of(0L, 2), snapshotVersions(s.getRunId()), "version 0 sent twice, nothing newer");
    f.pipeline.restart("adversary-1");
    RunStatus end = f.awaitEnd(s.getRunId());
    assertEquals(RunState.COMPLETED, end.getState(), end.getMessage());
    // The wait changed nothing: the same steps as one process.
    assertSameCurve(baselineCurve, f.lossCurve(s.getRunId()));
  }

  /** Counts a run's weight snapshots on the weights topic by version. */
  private Map<Long, Integer> snapshotVersions(String run) {
    Topics topics = new Topics(f.settings());
    Map<Long, Integer> versions = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c = Kafka.reader(f.settings(), "it-weights")) {
      List<TopicPartition> parts = new ArrayList<>();
      for (var p : c.partitionsFor(topics.weights)) {
        parts.add(new TopicPartition(p.topic(), p.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "could not read the weights topic to its end");
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          try {
            WeightSnapshot w = WeightSnapshot.parseFrom(r.value());
            if (w.getRunId().equals(run)) {
              versions.merge(w.getVersion(), 1, Integer::sum);
            }
          } catch (InvalidProtocolBufferException e) {
            // The malformed-message test's poison.
          }
        }
      }
    }
    return versions;
  }

  @Test
  @Order(7)
  void aCancelledRunStopsAndTheNextOneRuns() throws Exception {
    Map<String, String> longer = PipelineFixture.smallRun();
    longer.put("train.epochs", "50");
    RunStatus s = f.client.submit(longer, "cancel-me");
    f.awaitEvent(
        s.getRunId(),
        e -> e.getEventCase() == RunEvent.EventCase.PROGRESS && e.getProgress().getStep() >= 3);
    RunStatus cancelled = f.client.cancel(s.getRunId());
    assertEquals(RunState.CANCELLED, cancelled.getState());
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> f.client.report(s.getRunId()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    RunStatus next = f.client.submit(PipelineFixture.smallRun(), "after-cancel");
    RunStatus end = f.awaitEnd(next.getRunId());
    assertEquals(RunState.COMPLETED, end.getState(), "the trainer left the cancelled run");
    assertNotNull(f.result(next.getRunId()).get("knn_top1"));
  }

  @Test
  @Order(8)
  void twoAdversariesShareTheWorkAtALagOfOne() throws Exception {
    String second = f.pipeline.addAdversary();
    // Healthy is not yet a member of the group: wait until the rebalance gave both replicas
    // partitions, or a short run may be over before the second one holds any.
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
    while (heldPartitions("adversary-1") <= 0 || heldPartitions(second) <= 0) {
      assertTrue(System.nanoTime() < deadline, "the two adversaries never shared the partitions");
      Thread.sleep(200);
    }
    double before1 = adversarialBatches("adversary-1");
    Map<String, String> spec = PipelineFixture.smallRun();
    spec.put("pipeline.max.lag.steps", "1");
    RunStatus end = f.awaitEnd(f.client.submit(spec, "lag1").getRunId());
    assertEquals(RunState.COMPLETED, end.getState(), end.getMessage());
    double first = adversarialBatches("adversary-1") - before1;
    double other = adversarialBatches(second);
    assertEquals(16, first + other, 0, "every batch attacked once");
    assertTrue(first > 0 && other > 0, "both replicas worked: " + first + " and " + other);
    @SuppressWarnings("unchecked")
    Map<String, Object> pipeline = (Map<String, Object>) f.result(end.getRunId()).get("pipeline");
    assertEquals(0, num(pipeline, "stale_batches"), 0);
    double lag = num(pipeline, "mean_lag_steps");
    assertTrue(lag >= 0 && lag <= 1, "mean lag " + lag + " within the allowed 1");
  }

  @Test
  @Order(9)
  void realFashionMnistFromTheStoreBeatsTheUntrainedEncoder() throws Exception {
    Path local = fashionMnist();
    for (String file :
        List.of(
            "train-images-idx3-ubyte.gz",
            "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz")) {
      f.store.putFile("datasets/fashion-mnist/" + file, local.resolve(file));
    }
    Map<String, String> spec = PipelineFixture.smallRun();
    spec.put("data.name", "fashion-mnist");
    spec.put("data.path", "s3://" + f.store.bucket() + "/datasets/fashion-mnist");
    spec.put("data.train.limit", "2048");
    spec.put("data.test.limit", "1000");
    spec.put("encoder.width", "0.5");
    spec.put("train.epochs", "6");
    spec.put("train.batch.size", "128");
    spec.put("optimizer.lr", "2e-3");
    spec.put("eval.knn.k", "50");
    spec.put("eval.knn.interval.epochs", "0");
    RunStatus end = f.awaitEnd(f.client.submit(spec, "fashion-mnist").getRunId());
    assertEquals(RunState.COMPLETED, end.getState(), end.getMessage());
    Map<String, Object> r = f.result(end.getRunId());
    assertEquals("fashion-mnist", r.get("dataset"));
    double knn = num(r, "knn_top1");
    double untrained = num(r, "knn_top1_untrained");
    assertTrue(knn > untrained + 0.02, "kNN " + knn + " against untrained " + untrained);
  }

  /** The Fashion-MNIST files ./clae test fetches (Debian package, or the download cache). */
  private static Path fashionMnist() {
    String env = System.getenv("FASHION_MNIST_DIR");
    Path dir = Path.of(env != null ? env : "/usr/share/datasets/fashion-mnist");
    if (!Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz"))) {
      dir = Path.of(System.getProperty("user.home"), ".cache", "clae", "fashion-mnist");
    }
    assertTrue(
        Files.isRegularFile(dir.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is missing in " + dir + ": run ./deploy/fetch-fashion-mnist.sh");
    return dir;
  }

  private double heldPartitions(String service) throws Exception {
    String m = f.pipeline.metrics(service);
    return metric(m, "clae_adversary_partitions_assigned_total")
        - metric(m, "clae_adversary_partitions_revoked_total");
  }

  private double adversarialBatches(String service) throws Exception {
    for (String line : f.pipeline.metrics(service).split("\n")) {
      if (line.startsWith("clae_adversary_adversarial_batches_total ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    return 0;
  }

  private Map<String, String> deadLetters(Topics topics) {
    Map<String, String> reasons = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c = Kafka.reader(f.settings(), "it-dead-letters")) {
      TopicPartition tp = new TopicPartition(topics.deadLetter, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (c.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          Header h = r.headers().lastHeader("clae.reason");
          reasons.put(r.key(), h == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return reasons;
  }

  private static void assertSameCurve(List<StepRecord> expected, List<StepRecord> actual) {
    assertEquals(expected.size(), actual.size(), "steps");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).step(), actual.get(i).step());
      assertEquals(expected.get(i).loss(), actual.get(i).loss(), LOSS_TOLERANCE, "loss, step " + i);
      assertEquals(
          expected.get(i).advLoss(), actual.get(i).advLoss(), LOSS_TOLERANCE, "adv, step " + i);
    }
  }

  private static double num(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).doubleValue();
  }
}
