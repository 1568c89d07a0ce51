package dev.clae.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clae.proto.CheckpointNotice;
import dev.clae.proto.EvalResult;
import dev.clae.proto.Progress;
import dev.clae.proto.RunEvent;
import dev.clae.proto.RunState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunRegistryTest {
  @Test
  void anEndedRunKeepsItsStateAndWatchersSeeEachChangeOnce() {
    RunRegistry reg = new RunRegistry();
    RunRegistry.Entry e = reg.entry("r1");
    List<RunEvent> seen = new ArrayList<>();
    e.watchers.add(seen::add);
    reg.apply(
        Progress.newBuilder().setRunId("r1").setState(RunState.RUNNING).setTotalSteps(10).build());
    EvalResult fin =
        EvalResult.newBuilder()
            .setRunId("r1")
            .setKind(CheckpointNotice.Kind.FINAL)
            .setStep(10)
            .build();
    reg.apply(fin);
    reg.apply(fin);
    reg.apply(Progress.newBuilder().setRunId("r1").setState(RunState.COMPLETED).build());
    reg.apply(Progress.newBuilder().setRunId("r1").setState(RunState.RUNNING).build());
    assertEquals(RunState.COMPLETED, e.status().getState(), "a late report does not revive it");
    assertEquals(1, e.status().getResultsCount(), "a redelivered result is kept once");
    assertEquals(10, e.status().getProgress().getTotalSteps(), "the trainer's progress is kept");
    assertEquals(3, seen.size(), "running, the result, completed");
  }
}
