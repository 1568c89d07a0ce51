package dev.clae.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad arguments exit with status 2 and one line naming the key or file, before training. */
class MainTest {
  @TempDir Path dir;

  private record Outcome(int status, String out, String err) {}

  private Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private void assertUsageError(String expected, String... args) {
    Outcome o = run(args);
    assertEquals(2, o.status(), o.err());
    assertEquals(1, o.err().strip().lines().count(), "one line expected: " + o.err());
    assertTrue(o.err().contains(expected), "'" + expected + "' not in: " + o.err());
    assertTrue(!Files.exists(dir.resolve("out")), "nothing may be written before validation");
  }

  @Test
  void negativeEpsIsRefused() {
    assertUsageError(
        "adversarial.eps=-0.5: must be in [0, 10]",
        "train",
        "--set",
        "adversarial.eps=-0.5",
        "--set",
        "output.dir=" + dir.resolve("out"));
  }

  @Test
  void unknownMethodIsRefused() {
    assertUsageError("method=moco: unknown value", "train", "--set", "method=moco");
  }

  @Test
  void unknownKeyIsRefused() {
    assertUsageError(
        "unknown config key 'train.epoch'; did you mean 'train.epochs'?",
        "train",
        "--set",
        "train.epoch=3");
  }

  @Test
  void batchOfOneIsRefused() {
    assertUsageError("train.batch.size=1: must be in [2,", "train", "--set", "train.batch.size=1");
  }

  @Test
  void missingDataIsRefusedNamingTheFile() {
    Path none = dir.resolve("no-data");
    assertUsageError(
        none.resolve("train-images-idx3-ubyte.gz") + " not found",
        "train",
        "--set",
        "data.path=" + none,
        "--set",
        "output.dir=" + dir.resolve("out"));
  }

  @Test
  void malformedDataIsRefusedNamingTheFile() throws Exception {
    Path data = Files.createDirectories(dir.resolve("fm"));
    for (String f :
        new String[] {
          "train-images-idx3-ubyte.gz",
          "train-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz"
        }) {
      Files.writeString(data.resolve(f), "garbage");
    }
    assertUsageError(
        data.resolve("train-images-idx3-ubyte.gz") + ": not a gzip file",
        "train",
        "--set",
        "data.path=" + data,
        "--set",
        "output.dir=" + dir.resolve("out"));
  }

  @Test
  void missingCifarPathIsRefused() {
    assertUsageError(
        "data.path: required for data.name=cifar10",
        "train",
        "--set",
        "data.name=cifar10",
        "--set",
        "output.dir=" + dir.resolve("out"));
  }

  @Test
  void missingConfigFileIsRefused() {
    assertUsageError(
        "config file " + dir.resolve("nope.properties") + ": cannot be read",
        "train",
        "--config",
        dir.resolve("nope.properties").toString());
  }

  @Test
  void strayArgumentIsRefused() {
    assertUsageError("unexpected argument 'simclr'", "train", "simclr");
  }

  @Test
  void unknownCommandIsRefused() {
    Outcome o = run("fly");
    assertEquals(2, o.status());
    assertTrue(o.err().contains("unknown command 'fly'"));
  }

  @Test
  void gpuWithoutGpuFailsClearly() {
    assertUsageError(
        "device=gpu: the PyTorch engine sees no GPU",
        "train",
        "--set",
        "device=gpu",
        "--set",
        "data.name=synthetic",
        "--set",
        "output.dir=" + dir.resolve("out"));
  }

  @Test
  void keysListsEveryKeyWithItsDefault() {
    Outcome o = run("keys");
    assertEquals(0, o.status());
    assertTrue(o.out().contains("adversarial.eps = 0.03"));
    assertTrue(o.out().contains("method = simclr"));
  }
}
