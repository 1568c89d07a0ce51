package dev.clae.local;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM started as a child process, running the same {@code java} as the current JVM, with its
 * standard output and error appended to a log file. Used to run the Kafka broker and the S3 server
 * in JVMs of their own, so that their dependencies never meet ours.
 *
 * <p>Nothing global is registered (no shutdown hook): the caller owns the process and must {@link
 * #close()} it.
 */
public final class JavaProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JavaProcess.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final String name;
  private final Process process;
  private final Path log;
  private final Duration stopTimeout;

  private JavaProcess(String name, Process process, Path log, Duration stopTimeout) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.stopTimeout = stopTimeout;
  }

  /** Returns a builder for a JVM that runs {@code mainClass}. */
  public static Builder builder(String mainClass) {
    return new Builder(mainClass);
  }

  /**
   * Returns the {@code java} launcher of the running JVM: {@code java.home/bin/java}, else the
   * command this process was started with, so children run on the same Java version.
   */
  public static Path javaExecutable() {
    Path fromHome = Paths.get(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(fromHome)) {
      return fromHome;
    }
    return ProcessHandle.current()
        .info()
        .command()
        .map(Paths::get)
        .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this JVM"));
  }

  /** Returns the name given at start, used in log lines and errors. */
  public String name() {
    return name;
  }

  /** Returns whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Returns the operating system's process id. */
  public long pid() {
    return process.pid();
  }

  /** Returns the file that receives the process's standard output and error. */
  public Path log() {
    return log;
  }

  /** Returns the underlying process handle, e.g. to read its resource use. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /**
   * Waits for the process to end by itself.
   *
   * @return its exit code
   * @throws IOException when it is still running after {@code timeout} (it is then left running)
   */
  public int waitFor(Duration timeout) throws IOException {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(
            name + " (pid " + pid() + ") still running after " + timeout + tailForError());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for " + name);
    }
    return process.exitValue();
  }

  /**
   * Waits until {@code host:port} accepts TCP connections.
   *
   * @throws IOException when the process ends first or {@code timeout} passes, with the tail of its
   *     log
   */
  public void awaitPort(String host, int port, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!canConnect(host, port)) {
      if (!isAlive()) {
        throw new IOException(
            name
                + " exited with code "
                + process.exitValue()
                + " before opening port "
                + port
                + tailForError());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            name + " did not open " + host + ":" + port + " within " + timeout + tailForError());
      }
      sleep(POLL);
    }
  }

  /** Returns the last {@code lines} lines of the log file, or a note that it cannot be read. */
  public String logTail(int lines) {
    Deque<String> tail = new ArrayDeque<>(lines);
    try (Stream<String> all = Files.lines(log, StandardCharsets.UTF_8)) {
      all.forEach(
          line -> {
            if (tail.size() == lines) {
              tail.removeFirst();
            }
            tail.addLast(line);
          });
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
    return String.join(System.lineSeparator(), tail);
  }

  /**
   * Stops the process politely (SIGTERM, so its shutdown hooks run), waits up to the stop timeout,
   * then kills it. Does nothing when it has already ended.
   */
  @Override
  public void close() {
    if (!process.isAlive()) {
      LOG.debug("{} (pid {}) had already exited with code {}", name, pid(), process.exitValue());
      return;
    }
    long start = System.nanoTime();
    process.destroy();
    boolean stopped = waitQuietly(stopTimeout);
    if (!stopped) {
      LOG.warn("{} (pid {}) still running {} after SIGTERM: killing it", name, pid(), stopTimeout);
      process.destroyForcibly();
      waitQuietly(Duration.ofSeconds(10));
    }
    LOG.info(
        "stopped {} (pid {}) in {} ms{}",
        name,
        pid(),
        (System.nanoTime() - start) / 1_000_000,
        stopped ? "" : " (killed)");
  }

  /** Kills the process at once (SIGKILL), as a crash would, and waits for it to be gone. */
  public void kill() {
    process.destroyForcibly();
    waitQuietly(Duration.ofSeconds(10));
  }

  /**
   * Returns whether {@code host:port} accepts TCP connections within {@code timeout}, polling. For
   * servers not started as a {@code JavaProcess}; otherwise prefer {@link #awaitPort}, which gives
   * up as soon as the process dies.
   */
  public static boolean waitForPort(String host, int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!canConnect(host, port)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        sleep(POLL);
      } catch (InterruptedIOException e) {
        return false;
      }
    }
    return true;
  }

  /** Ports handed out by this JVM, newest last; none is handed out twice while it is here. */
  private static final java.util.LinkedHashSet<Integer> HANDED_OUT =
      new java.util.LinkedHashSet<>();

  private static final int REMEMBERED_PORTS = 4096;

  /**
   * Returns a TCP port on the loopback address that was free a moment ago and that this JVM has not
   * handed out before: the kernel may offer a port again as soon as the probe closes it, and two
   * services started one after the other must not both get it before either binds. Another process
   * may still take it before it is used, which is unlikely enough on a developer or CI machine.
   */
  public static int freePort() {
    return freePorts(1)[0];
  }

  /** Returns {@code count} distinct ports that were free a moment ago (see {@link #freePort}). */
  public static synchronized int[] freePorts(int count) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; ) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          ports[i++] = port;
        }
        if (held.size() > count + 256) {
          throw new IOException("the kernel keeps offering ports handed out already");
        }
      }
      while (HANDED_OUT.size() > REMEMBERED_PORTS) {
        HANDED_OUT.remove(HANDED_OUT.iterator().next());
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Closing a listening socket that accepted nothing does not fail in practice.
        }
      }
    }
  }

  private static boolean canConnect(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 250);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private boolean waitQuietly(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  private String tailForError() {
    return "; last lines of " + log + ":" + System.lineSeparator() + logTail(30);
  }

  private static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  /** Writes {@code -cp <class path>} as a java launcher argument file beside the log. */
  private static Path writeClassPathFile(Path logFile, String classPath) throws IOException {
    String base = logFile.getFileName().toString().replaceFirst("\\.log$", "");
    Path file = logFile.resolveSibling(base + ".classpath");
    String quoted = classPath.replace("\\", "\\\\").replace("\"", "\\\"");
    Files.writeString(file, "-cp\n\"" + quoted + "\"\n", StandardCharsets.UTF_8);
    return file;
  }

  /** Collects what a child JVM needs before {@link #start()} launches it. */
  public static final class Builder {
    private final String mainClass;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String classPath = "";
    private Path log;
    private Path workingDir;
    private String name;
    private Duration stopTimeout = Duration.ofSeconds(15);

    private Builder(String mainClass) {
      this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
      this.name = mainClass;
    }

    /** Adds JVM options such as {@code -Xmx512m} or {@code -Dkey=value}, before the class. */
    public Builder jvmOptions(String... options) {
      jvmOptions.addAll(List.of(options));
      return this;
    }

    /** Sets the class path from its entries, in order. */
    public Builder classPath(Collection<Path> entries) {
      List<String> parts = new ArrayList<>();
      for (Path p : entries) {
        parts.add(p.toString());
      }
      this.classPath = String.join(File.pathSeparator, parts);
      return this;
    }

    /** Sets the class path as one string joined with the platform's path separator. */
    public Builder classPath(String joined) {
      this.classPath = Objects.requireNonNull(joined, "classPath");
      return this;
    }

    /** Adds arguments passed to the main class. */
    public Builder args(String... arguments) {
      args.addAll(List.of(arguments));
      return this;
    }

    /** Sets an environment variable of the child, on top of the current environment. */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** Sets the file that receives standard output and error (appended to). Required. */
    public Builder log(Path file) {
      this.log = file;
      return this;
    }

    /** Sets the child's working directory; by default the log file's folder. */
    public Builder workingDir(Path dir) {
      this.workingDir = dir;
      return this;
    }

    /** Sets the name used in log lines and errors; by default the main class. */
    public Builder name(String displayName) {
      this.name = displayName;
      return this;
    }

    /** Sets how long {@link JavaProcess#close()} waits after SIGTERM before killing. */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = timeout;
      return this;
    }

    /**
     * Starts the JVM.
     *
     * @throws IOException when the log cannot be created or {@code java} cannot be run
     */
    public JavaProcess start() throws IOException {
      Objects.requireNonNull(log, "log file");
      Path logFile = log.toAbsolutePath();
      Files.createDirectories(logFile.getParent());
      List<String> command = new ArrayList<>();
      command.add(javaExecutable().toString());
      command.addAll(jvmOptions);
      if (!classPath.isEmpty()) {
        // Through an argument file (java @file): a class path of 150 jars would otherwise fill
        // every ps listing and could reach the command-line length limit.
        command.add("@" + writeClassPathFile(logFile, classPath));
      }
      command.add(mainClass);
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.directory((workingDir != null ? workingDir : logFile.getParent()).toFile());
      pb.environment().putAll(env);
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      // Values of env may be secrets: log the names only; the class path is too long to help.
      LOG.debug(
          "starting {}: {} {} {} (env {}), log {}",
          name,
          mainClass,
          jvmOptions,
          args,
          env.keySet(),
          logFile);
      Process process = pb.start();
      process.getOutputStream().close(); // servers read no input: end of file at once
      return new JavaProcess(name, process, logFile, stopTimeout);
    }
  }
}
