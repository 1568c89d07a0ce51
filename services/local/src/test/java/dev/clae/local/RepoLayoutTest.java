package dev.clae.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks how the repository root and a module's class path are found. */
class RepoLayoutTest {
  @Test
  void locateFindsTheRepositoryAboveTheModule() {
    RepoLayout layout = RepoLayout.locate();
    assertTrue(Files.isRegularFile(layout.root().resolve("pom.xml")));
    assertTrue(Files.isDirectory(layout.module(RepoLayout.KAFKA_MODULE)));
  }

  @Test
  void classPathIsClassesThenTheListedJars(@TempDir Path root) throws Exception {
    Path target = Files.createDirectories(root.resolve("deploy/x/target"));
    Files.createDirectories(target.resolve("classes"));
    Path a = Files.createFile(root.resolve("a.jar"));
    Path b = Files.createFile(root.resolve("b.jar"));
    Files.writeString(target.resolve("classpath.txt"), a + File.pathSeparator + b + "\n");
    List<Path> cp = RepoLayout.at(root).classPath("deploy/x");
    assertEquals(List.of(target.resolve("classes"), a, b), cp);
  }

  @Test
  void aMissingClassPathFileSaysWhatToRun(@TempDir Path root) {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> RepoLayout.at(root).classPath("deploy/x"));
    assertTrue(e.getMessage().contains("deploy/x/target/classpath.txt"), e.getMessage());
    assertTrue(e.getMessage().contains("mvn -DskipTests install"), e.getMessage());
  }

  @Test
  void aJarGoneFromTheLocalRepositoryIsNamed(@TempDir Path root) throws Exception {
    Path target = Files.createDirectories(root.resolve("deploy/x/target"));
    Files.createDirectories(target.resolve("classes"));
    Files.writeString(target.resolve("classpath.txt"), root.resolve("gone.jar").toString());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> RepoLayout.at(root).classPath("deploy/x"));
    assertTrue(e.getMessage().contains("gone.jar"), e.getMessage());
  }
}
