package dev.clae.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Where things are in a checked-out, built CLAE repository: its root, and the run-time class path
 * of a module, so that the local launchers can start the broker and the S3 server in JVMs of their
 * own from what Maven resolved, without a distribution to unpack.
 */
public final class RepoLayout {
  /** System property naming the repository root; when unset, the root is searched for. */
  public static final String HOME_PROPERTY = "clae.home";

  /** The module whose class path runs a KRaft Kafka broker. */
  public static final String KAFKA_MODULE = "deploy/kafka";

  /** The module whose class path runs S3Proxy. */
  public static final String S3_MODULE = "deploy/s3";

  /** The file, under a module's {@code target/}, that Maven's package phase writes. */
  public static final String CLASSPATH_FILE = "classpath.txt";

  private final Path root;

  private RepoLayout(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** Returns the layout of the repository at {@code root}, taken as given. */
  public static RepoLayout at(Path root) {
    return new RepoLayout(root);
  }

  /**
   * Finds the repository root: the {@value #HOME_PROPERTY} system property if set, else the first
   * folder, from {@code user.dir} upwards, that holds both {@code pom.xml} and {@code deploy/}.
   *
   * @throws IllegalStateException when no such folder exists
   */
  public static RepoLayout locate() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home != null && !home.isBlank()) {
      return new RepoLayout(Paths.get(home));
    }
    Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("deploy"))) {
        return new RepoLayout(dir);
      }
    }
    throw new IllegalStateException(
        "cannot find the CLAE repository root (a folder with pom.xml and deploy/) at or above "
            + start
            + "; run from inside the repository or set -D"
            + HOME_PROPERTY
            + "=<path>");
  }

  /** Returns the repository root, absolute. */
  public Path root() {
    return root;
  }

  /** Returns a module's folder, such as {@code root/deploy/kafka} for {@code "deploy/kafka"}. */
  public Path module(String module) {
    return root.resolve(module);
  }

  /** Returns a module's compiled classes and resources folder, {@code <module>/target/classes}. */
  public Path classesDir(String module) {
    return module(module).resolve("target").resolve("classes");
  }

  /**
   * Returns the run-time class path of a module: its {@code target/classes} followed by the entries
   * of its {@code target/classpath.txt}, which Maven's package phase writes.
   *
   * @throws IllegalStateException when the module is not built, or a listed jar is gone (say after
   *     the local Maven repository was cleaned), with what to run to fix it
   */
  public List<Path> classPath(String module) {
    Path classes = classesDir(module);
    Path file = module(module).resolve("target").resolve(CLASSPATH_FILE);
    if (!Files.isRegularFile(file) || !Files.isDirectory(classes)) {
      throw notBuilt(Files.isRegularFile(file) ? classes : file, "is missing");
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<Path> entries = new ArrayList<>();
    entries.add(classes);
    for (String entry : text.split(File.pathSeparator)) {
      String trimmed = entry.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      Path jar = Paths.get(trimmed);
      if (!Files.exists(jar)) {
        throw notBuilt(jar, "is listed in " + file + " but missing");
      }
      entries.add(jar);
    }
    if (entries.size() == 1) {
      throw notBuilt(file, "is empty");
    }
    return List.copyOf(entries);
  }

  /** Returns {@link #classPath(String)} joined with the platform's path separator. */
  public String classPathString(String module) {
    List<String> parts = new ArrayList<>();
    for (Path p : classPath(module)) {
      parts.add(p.toString());
    }
    return String.join(File.pathSeparator, parts);
  }

  private IllegalStateException notBuilt(Path what, String problem) {
    return new IllegalStateException(
        what
            + " "
            + problem
            + ": build the project first with `mvn -DskipTests install` in "
            + root
            + " (or run ./clae, which builds)");
  }
}
