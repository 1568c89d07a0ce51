package dev.clae.coordinator;

import dev.clae.proto.EvalResult;
import dev.clae.proto.Progress;
import dev.clae.proto.RunEvent;
import dev.clae.proto.RunState;
import dev.clae.proto.RunStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the coordinator knows of every run: its spec summary, newest progress, evaluation results
 * and state, rebuilt at start from the runs, progress and results topics (read from the start) and
 * kept current from them. Watchers of a run get each change as it happens.
 */
final class RunRegistry {
  /** One run. */
  static final class Entry {
    final String runId;
    String name = "";
    long submittedMs;
    Map<String, String> config = Map.of();
    RunState state = RunState.QUEUED;
    Progress progress;
    final List<EvalResult> results = new ArrayList<>();
    String message = "";
    final List<Consumer<RunEvent>> watchers = new CopyOnWriteArrayList<>();

    Entry(String runId) {
      this.runId = runId;
    }

    synchronized RunStatus status() {
      RunStatus.Builder b =
          RunStatus.newBuilder()
              .setRunId(runId)
              .setName(name)
              .setState(state)
              .setSubmittedMs(submittedMs)
              .putAllConfig(config)
              .addAllResults(results)
              .setMessage(message);
      if (progress != null) {
        b.setProgress(progress);
      }
      return b.build();
    }
  }

  private final Map<String, Entry> runs = new ConcurrentHashMap<>();

  /** Returns a run, creating its entry when unknown. */
  Entry entry(String runId) {
    return runs.computeIfAbsent(runId, Entry::new);
  }

  /** Returns a run, or null. */
  Entry find(String runId) {
    return runs.get(runId);
  }

  /** Returns every run, newest first. */
  List<RunStatus> list() {
    return runs.values().stream()
        .sorted(Comparator.comparingLong((Entry e) -> e.submittedMs).reversed())
        .map(Entry::status)
        .toList();
  }

  /** Returns whether a state ends a run. */
  static boolean terminal(RunState s) {
    return s == RunState.COMPLETED || s == RunState.FAILED || s == RunState.CANCELLED;
  }

  /** Applies a progress report; a run that has ended keeps its final state. */
  void apply(Progress p) {
    Entry e = entry(p.getRunId());
    synchronized (e) {
      if (terminal(e.state)) {
        return;
      }
      if (p.getState() != RunState.RUN_STATE_UNSPECIFIED) {
        e.state = p.getState();
      }
      if (!p.getMessage().isEmpty()) {
        e.message = p.getMessage();
      }
      if (p.getTotalSteps() > 0 || e.progress == null) {
        e.progress = p;
      }
    }
    notify(e, RunEvent.newBuilder().setProgress(p).build());
  }

  /** Applies an evaluation result. */
  void apply(EvalResult r) {
    Entry e = entry(r.getRunId());
    synchronized (e) {
      boolean seen =
          e.results.stream()
              .anyMatch(x -> x.getKind() == r.getKind() && x.getStep() == r.getStep());
      if (seen) {
        return;
      }
      e.results.add(r);
    }
    notify(e, RunEvent.newBuilder().setResult(r).build());
  }

  /** Sets a run's state (submit, cancel) and tells its watchers. */
  void setState(Entry e, RunState s, String message) {
    synchronized (e) {
      if (terminal(e.state)) {
        return;
      }
      e.state = s;
      e.message = message;
    }
    notify(e, RunEvent.newBuilder().setStatus(e.status()).build());
  }

  private static void notify(Entry e, RunEvent event) {
    for (Consumer<RunEvent> w : e.watchers) {
      w.accept(event);
    }
  }
}
