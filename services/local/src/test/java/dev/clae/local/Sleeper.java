package dev.clae.local;

import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A tiny main class for {@link JavaProcessTest}: prints a line (with the {@code CLAE_TEST_ENV}
 * variable), then listens on the port given as first argument until killed; with {@code fail} as
 * first argument it prints a message and exits with code 3 instead.
 */
public final class Sleeper {
  private Sleeper() {}

  /** Runs the helper; see the class comment. */
  public static void main(String[] args) throws Exception {
    System.out.println("sleeper env=" + System.getenv("CLAE_TEST_ENV"));
    if (args[0].equals("fail")) {
      System.out.println("sleeper failing on purpose");
      System.exit(3);
    }
    try (ServerSocket socket =
        new ServerSocket(Integer.parseInt(args[0]), 1, InetAddress.getLoopbackAddress())) {
      System.out.println("sleeper listening on " + socket.getLocalPort());
      Thread.sleep(60_000);
    }
  }
}
