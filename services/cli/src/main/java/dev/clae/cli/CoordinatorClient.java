package dev.clae.cli;

import dev.clae.proto.CancelRunRequest;
import dev.clae.proto.CoordinatorGrpc;
import dev.clae.proto.GetReportRequest;
import dev.clae.proto.GetRunRequest;
import dev.clae.proto.ListRunsRequest;
import dev.clae.proto.Report;
import dev.clae.proto.RunEvent;
import dev.clae.proto.RunSpec;
import dev.clae.proto.RunStatus;
import dev.clae.proto.SubmitRunRequest;
import dev.clae.proto.WatchRunRequest;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A blocking client of the coordinator's gRPC API, as {@code clae submit|watch|status|cancel|
 * report} and {@code clae local} use it. The API token, when given, travels as {@code
 * authorization: Bearer <token>} on every call.
 */
public final class CoordinatorClient implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel channel;
  private final CoordinatorGrpc.CoordinatorBlockingStub stub;

  /**
   * Connects to {@code host:port}.
   *
   * @param token the API token, or null or empty for none
   */
  public CoordinatorClient(String address, String token) {
    this.channel = Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
    CoordinatorGrpc.CoordinatorBlockingStub s = CoordinatorGrpc.newBlockingStub(channel);
    if (token != null && !token.isEmpty()) {
      s = s.withCallCredentials(new Bearer(token));
    }
    this.stub = s;
  }

  /** Submits a run spec. */
  public RunStatus submit(Map<String, String> config, String name) {
    RunSpec spec = RunSpec.newBuilder().putAllConfig(config).setName(name).build();
    return stub.submitRun(SubmitRunRequest.newBuilder().setSpec(spec).build());
  }

  /** Returns a run's status. */
  public RunStatus get(String runId) {
    return stub.getRun(GetRunRequest.newBuilder().setRunId(runId).build());
  }

  /** Returns every run. */
  public List<RunStatus> list() {
    return stub.listRuns(ListRunsRequest.getDefaultInstance()).getRunsList();
  }

  /** Streams a run's events until it ends. */
  public Iterator<RunEvent> watch(String runId) {
    return stub.watchRun(WatchRunRequest.newBuilder().setRunId(runId).build());
  }

  /** Cancels a run. */
  public RunStatus cancel(String runId) {
    return stub.cancelRun(CancelRunRequest.newBuilder().setRunId(runId).build());
  }

  /** Returns a completed run's report. */
  public Report report(String runId) {
    return stub.getReport(GetReportRequest.newBuilder().setRunId(runId).build());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Puts the bearer token on every call. */
  private static final class Bearer extends CallCredentials {
    private final String token;

    Bearer(String token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier apply) {
      executor.execute(
          () -> {
            try {
              Metadata m = new Metadata();
              m.put(AUTHORIZATION, "Bearer " + token);
              apply.apply(m);
            } catch (RuntimeException e) {
              apply.fail(Status.UNAUTHENTICATED.withCause(e));
            }
          });
    }
  }
}
