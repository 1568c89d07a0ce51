package dev.clae.coordinator;

import dev.clae.config.ClaeConfig;
import dev.clae.config.ConfigException;
import dev.clae.config.Keys;
import dev.clae.platform.Artifacts;
import dev.clae.platform.DataFetch;
import dev.clae.platform.ObjectStore;
import dev.clae.platform.RejectedMessageException;
import dev.clae.platform.RunSpecs;
import dev.clae.proto.CancelRunRequest;
import dev.clae.proto.CoordinatorGrpc;
import dev.clae.proto.GetReportRequest;
import dev.clae.proto.GetRunRequest;
import dev.clae.proto.ListRunsRequest;
import dev.clae.proto.ListRunsResponse;
import dev.clae.proto.Report;
import dev.clae.proto.RunCommand;
import dev.clae.proto.RunEvent;
import dev.clae.proto.RunState;
import dev.clae.proto.RunStatus;
import dev.clae.proto.SubmitRunRequest;
import dev.clae.proto.WatchRunRequest;
import dev.clae.train.Provenance;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's gRPC methods. A submitted spec is validated as {@code clae train} validates a
 * config (every key known, every value in range, the rules between keys) and its data path checked,
 * before anything is written or started; a bad one fails with INVALID_ARGUMENT and the message
 * names the key.
 */
final class CoordinatorApi extends CoordinatorGrpc.CoordinatorImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorApi.class);
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  /** Publishes run commands. */
  interface Commands {
    void send(RunCommand command);
  }

  private final RunRegistry registry;
  private final ObjectStore store;
  private final RunSpecs specs;
  private final Commands commands;
  private final String serviceId;
  private final SecureRandom random = new SecureRandom();

  CoordinatorApi(
      RunRegistry registry,
      ObjectStore store,
      RunSpecs specs,
      Commands commands,
      String serviceId) {
    this.registry = registry;
    this.store = store;
    this.specs = specs;
    this.commands = commands;
    this.serviceId = serviceId;
  }

  @Override
  public void submitRun(SubmitRunRequest req, StreamObserver<RunStatus> out) {
    ClaeConfig config;
    try {
      config = ClaeConfig.builder().setAll(req.getSpec().getConfigMap()).build();
      checkData(config);
    } catch (ConfigException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    String runId =
        "run-"
            + LocalDateTime.now().format(ID_TIME)
            + "-"
            + String.format("%04x", random.nextInt(1 << 16));
    long now = System.currentTimeMillis();
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("code_version", Provenance.codeVersion());
    provenance.put("coordinator", serviceId);
    provenance.put("submitted_ms", now);
    provenance.put("mode", "pipeline");
    specs.write(new RunSpecs.Spec(runId, req.getSpec().getName(), now, config, provenance));
    RunRegistry.Entry e = registry.entry(runId);
    synchronized (e) {
      e.name = req.getSpec().getName();
      e.submittedMs = now;
      e.config = config.asMap();
    }
    commands.send(
        RunCommand.newBuilder()
            .setRunId(runId)
            .setAction(RunCommand.Action.START)
            .setSpecKey(Artifacts.spec(runId))
            .setTimeMs(now)
            .build());
    LOG.info(
        "run {} submitted: {}{}",
        runId,
        config.get(Keys.METHOD),
        config.get(Keys.ADV_ENABLED) ? "+CLAE" : "");
    out.onNext(e.status());
    out.onCompleted();
  }

  /** Checks that the data a spec names is there, as far as the coordinator can see. */
  private void checkData(ClaeConfig config) {
    String name = config.get(Keys.DATA);
    if ("synthetic".equals(name)) {
      return;
    }
    String path = config.get(Keys.DATA_PATH);
    if (path.isBlank()) {
      throw new ConfigException("data.path: required for data.name=" + name);
    }
    if (path.startsWith("s3://")) {
      String prefix;
      try {
        prefix = DataFetch.prefix(path, store);
      } catch (RejectedMessageException e) {
        throw new ConfigException(e.getMessage());
      }
      if (store.list(prefix).isEmpty()) {
        throw new ConfigException("data.path=" + path + ": no objects under that prefix");
      }
    } else if (!Files.isDirectory(Path.of(path))) {
      throw new ConfigException(
          "data.path="
              + path
              + ": no such folder (the services read it: mount it, or put the data in the"
              + " bucket and use s3://"
              + store.bucket()
              + "/<prefix>)");
    }
  }

  @Override
  public void getRun(GetRunRequest req, StreamObserver<RunStatus> out) {
    RunRegistry.Entry e = find(req.getRunId(), out);
    if (e != null) {
      out.onNext(e.status());
      out.onCompleted();
    }
  }

  @Override
  public void listRuns(ListRunsRequest req, StreamObserver<ListRunsResponse> out) {
    out.onNext(ListRunsResponse.newBuilder().addAllRuns(registry.list()).build());
    out.onCompleted();
  }

  @Override
  public void watchRun(WatchRunRequest req, StreamObserver<RunEvent> out) {
    RunRegistry.Entry e = find(req.getRunId(), out);
    if (e == null) {
      return;
    }
    ServerCallStreamObserver<RunEvent> call = (ServerCallStreamObserver<RunEvent>) out;
    Object lock = new Object();
    boolean[] closed = {false};
    Consumer<RunEvent> watcher =
        new Consumer<>() {
          @Override
          public void accept(RunEvent event) {
            synchronized (lock) {
              if (closed[0]) {
                return;
              }
              try {
                call.onNext(event);
                if (RunRegistry.terminal(e.status().getState())) {
                  call.onNext(RunEvent.newBuilder().setStatus(e.status()).build());
                  closed[0] = true;
                  call.onCompleted();
                  e.watchers.remove(this);
                }
              } catch (StatusRuntimeException | IllegalStateException gone) {
                closed[0] = true;
                e.watchers.remove(this);
              }
            }
          }
        };
    call.setOnCancelHandler(
        () -> {
          synchronized (lock) {
            closed[0] = true;
          }
          e.watchers.remove(watcher);
        });
    synchronized (lock) {
      RunStatus now = e.status();
      call.onNext(RunEvent.newBuilder().setStatus(now).build());
      if (RunRegistry.terminal(now.getState())) {
        closed[0] = true;
        call.onCompleted();
        return;
      }
      e.watchers.add(watcher);
    }
  }

  @Override
  public void cancelRun(CancelRunRequest req, StreamObserver<RunStatus> out) {
    RunRegistry.Entry e = find(req.getRunId(), out);
    if (e == null) {
      return;
    }
    if (RunRegistry.terminal(e.status().getState())) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription("run " + e.runId + " has already ended: " + e.status().getState())
              .asRuntimeException());
      return;
    }
    store.put(Artifacts.cancelled(e.runId), "cancelled\n".getBytes(StandardCharsets.UTF_8));
    commands.send(
        RunCommand.newBuilder()
            .setRunId(e.runId)
            .setAction(RunCommand.Action.CANCEL)
            .setTimeMs(System.currentTimeMillis())
            .build());
    registry.setState(e, RunState.CANCELLED, "cancelled by request");
    LOG.info("run {} cancelled", e.runId);
    out.onNext(e.status());
    out.onCompleted();
  }

  @Override
  public void getReport(GetReportRequest req, StreamObserver<Report> out) {
    RunRegistry.Entry e = find(req.getRunId(), out);
    if (e == null) {
      return;
    }
    var raw = store.find(Artifacts.result(e.runId));
    if (raw.isEmpty()) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  "run "
                      + e.runId
                      + " is "
                      + e.status().getState()
                      + "; its report is written when it completes")
              .asRuntimeException());
      return;
    }
    out.onNext(
        Report.newBuilder()
            .setRunId(e.runId)
            .setResultJson(new String(raw.get(), StandardCharsets.UTF_8))
            .setLocation(store.uri(Artifacts.result(e.runId)))
            .build());
    out.onCompleted();
  }

  private RunRegistry.Entry find(String runId, StreamObserver<?> out) {
    RunRegistry.Entry e = runId.isBlank() ? null : registry.find(runId);
    if (e == null) {
      out.onError(Status.NOT_FOUND.withDescription("no run '" + runId + "'").asRuntimeException());
    }
    return e;
  }
}
