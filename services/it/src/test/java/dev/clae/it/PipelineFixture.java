package dev.clae.it;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clae.cli.CoordinatorClient;
import dev.clae.local.LocalPipeline;
import dev.clae.platform.Artifacts;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.Settings;
import dev.clae.proto.RunEvent;
import dev.clae.proto.RunState;
import dev.clae.proto.RunStatus;
import dev.clae.train.StepRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A pipeline for a test class: a real Kafka broker, a real S3 server and every service as its own
 * process, with a gRPC client holding the session's token and a client of the store.
 */
final class PipelineFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final LocalPipeline pipeline;
  final CoordinatorClient client;
  final ObjectStore store;

  PipelineFixture(Path work, LocalPipeline.Options options) throws IOException {
    pipeline = LocalPipeline.start(work, options);
    client = new CoordinatorClient(pipeline.coordinatorAddress(), pipeline.apiToken());
    store = ObjectStore.connect(settings());
  }

  /** Returns settings that reach this pipeline's broker and store. */
  Settings settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Settings.KAFKA_BOOTSTRAP.name(), pipeline.kafkaBootstrap());
    m.put(Settings.S3_ENDPOINT.name(), pipeline.s3Endpoint());
    m.put(Settings.S3_ACCESS_KEY.name(), pipeline.s3AccessKey());
    m.put(Settings.S3_SECRET_KEY.name(), pipeline.s3SecretKey());
    return Settings.of(m);
  }

  /** The small synthetic run every test trains: 8 batches of 32 an epoch, 2 epochs. */
  static Map<String, String> smallRun() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("method", "simclr");
    c.put("adversarial.enabled", "true");
    c.put("encoder.name", "convnet");
    c.put("encoder.width", "0.25");
    c.put("data.name", "synthetic");
    c.put("data.synthetic.train.size", "256");
    c.put("data.synthetic.test.size", "128");
    c.put("train.epochs", "2");
    c.put("train.batch.size", "32");
    c.put("train.seed", "3");
    c.put("eval.linear.epochs", "5");
    c.put("eval.knn.interval.epochs", "1");
    c.put("engine.threads", "2");
    return c;
  }

  /** Follows a run until it ends and returns its final status. */
  RunStatus awaitEnd(String runId) {
    return awaitEvent(runId, e -> false);
  }

  /** Follows a run until an event matches (returning the status at that moment) or the run ends. */
  RunStatus awaitEvent(String runId, Predicate<RunEvent> stop) {
    Iterator<RunEvent> events = client.watch(runId);
    while (events.hasNext()) {
      RunEvent e = events.next();
      if (stop.test(e)) {
        return client.get(runId);
      }
    }
    return client.get(runId);
  }

  /** Returns a completed run's result.json. */
  Map<String, Object> result(String runId) throws IOException {
    return JSON.readValue(
        client.report(runId).getResultJson(), new TypeReference<Map<String, Object>>() {});
  }

  /** Returns a run's loss curve from the store. */
  List<StepRecord> lossCurve(String runId) {
    String csv = new String(store.get(Artifacts.lossCsv(runId)), StandardCharsets.UTF_8);
    List<StepRecord> out = new ArrayList<>();
    String[] lines = csv.split("\n");
    for (int i = 1; i < lines.length; i++) {
      out.add(StepRecord.parse(lines[i]));
    }
    return out;
  }

  static boolean ended(RunStatus s) {
    return s.getState() == RunState.COMPLETED
        || s.getState() == RunState.FAILED
        || s.getState() == RunState.CANCELLED;
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    client.close();
    store.close();
    pipeline.close();
  }
}
