package dev.clae.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No module hands a Java number to the engine's array arithmetic ({@code NDArray.mul(Number)},
 * {@code div(Number)}, ...): DJL backs such a number with a direct buffer that a garbage collection
 * may free while the autograd graph still reads it (docs/core.md, "Memory the graph reads").
 * Constants go through {@code dev.clae.util.Scalars}. The check reads the compiled classes of every
 * module: a call to any of those overloads leaves its descriptor in the class's constant pool.
 */
class EngineArithmeticTest {
  private static final byte[] NUMBER_OVERLOAD =
      "(Ljava/lang/Number;)Lai/djl/ndarray/NDArray;".getBytes(StandardCharsets.UTF_8);

  @Test
  void noCompiledClassCallsAnArrayWithNumberOverload() throws IOException {
    Path services = Path.of("..").toAbsolutePath().normalize();
    assertTrue(
        Files.isDirectory(services.resolve("core/target/classes/dev/clae")),
        "run after the modules are compiled (mvn verify from the root): " + services);
    List<String> found = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> modules = Files.list(services)) {
      for (Path module : (Iterable<Path>) modules::iterator) {
        Path classes = module.resolve("target/classes");
        if (!Files.isDirectory(classes)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(classes)) {
          for (Path f :
              (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
            scanned++;
            if (contains(Files.readAllBytes(f), NUMBER_OVERLOAD)) {
              found.add(services.relativize(f).toString());
            }
          }
        }
      }
    }
    assertTrue(scanned > 100, "only " + scanned + " classes found under " + services);
    assertEquals(List.of(), found, "use dev.clae.util.Scalars for arithmetic with a number");
  }

  /** The check itself: the descriptor is found in a class that calls such an overload. */
  @Test
  void theDescriptorIsWhatACallLeaves() throws IOException {
    // Scalars calls the array-with-array overloads only; a test class of the core calls
    // NDArray.mul(Number) on purpose, outside any graph.
    Path probe =
        Path.of("../core/target/test-classes/dev/clae/encoder/DualBatchNormTest.class")
            .toAbsolutePath()
            .normalize();
    assertTrue(contains(Files.readAllBytes(probe), NUMBER_OVERLOAD), probe.toString());
    Path scalars =
        Path.of("../core/target/classes/dev/clae/util/Scalars.class").toAbsolutePath().normalize();
    assertTrue(!contains(Files.readAllBytes(scalars), NUMBER_OVERLOAD), scalars.toString());
  }

  private static boolean contains(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
