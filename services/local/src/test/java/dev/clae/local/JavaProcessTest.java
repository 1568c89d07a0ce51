package dev.clae.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts a small JVM as a child and checks its life cycle: ports, log, stop, kill, failure. */
class JavaProcessTest {
  private static JavaProcess.Builder sleeper(Path dir, String arg) throws Exception {
    Path classes =
        Path.of(Sleeper.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return JavaProcess.builder(Sleeper.class.getName())
        .jvmOptions("-Xmx32m", "-XX:TieredStopAtLevel=1")
        .classPath(classes.toString())
        .args(arg)
        .env("CLAE_TEST_ENV", "hello")
        .log(dir.resolve("sleeper.log"))
        .stopTimeout(Duration.ofSeconds(10));
  }

  @Test
  void freePortsAreNeverHandedOutTwice() {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; i < 500; i++) {
      int port = JavaProcess.freePort();
      assertTrue(seen.add(port), "port " + port + " handed out twice, at call " + i);
    }
  }

  @Test
  void closeStopsPolitelyAndLogGetsOutput(@TempDir Path dir) throws Exception {
    int port = JavaProcess.freePort();
    JavaProcess p = sleeper(dir, String.valueOf(port)).start();
    try (p) {
      p.awaitPort("127.0.0.1", port, Duration.ofSeconds(20));
      assertTrue(p.isAlive());
      assertTrue(JavaProcess.waitForPort("127.0.0.1", port, Duration.ofSeconds(1)));
      assertNotEquals(ProcessHandle.current().pid(), p.pid());
    }
    assertFalse(p.isAlive());
    assertEquals(143, p.waitFor(Duration.ofSeconds(1)), "ended by SIGTERM");
    String log = Files.readString(p.log());
    assertTrue(log.contains("sleeper env=hello"), log);
  }

  @Test
  void killEndsAtOnce(@TempDir Path dir) throws Exception {
    int port = JavaProcess.freePort();
    try (JavaProcess p = sleeper(dir, String.valueOf(port)).start()) {
      p.awaitPort("127.0.0.1", port, Duration.ofSeconds(20));
      p.kill();
      assertFalse(p.isAlive());
      assertEquals(137, p.waitFor(Duration.ofSeconds(1)), "ended by SIGKILL");
      assertFalse(JavaProcess.waitForPort("127.0.0.1", port, Duration.ofMillis(300)));
    }
  }

  @Test
  void awaitPortFailsFastWithTheLogTailWhenTheProcessDies(@TempDir Path dir) throws Exception {
    try (JavaProcess p = sleeper(dir, "fail").start()) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> p.awaitPort("127.0.0.1", JavaProcess.freePort(), Duration.ofSeconds(30)));
      assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
      assertTrue(e.getMessage().contains("sleeper failing on purpose"), e.getMessage());
    }
  }

  @Test
  void freePortsAreDistinct() {
    int[] ports = JavaProcess.freePorts(3);
    assertEquals(3, java.util.Arrays.stream(ports).distinct().count());
  }
}
