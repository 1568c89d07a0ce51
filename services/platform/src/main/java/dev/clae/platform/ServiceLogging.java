package dev.clae.platform;

/**
 * Points logback at the services' configuration ({@code clae-service-logback.xml}: every line names
 * the replica and the run). It must run before the first logger is made, so each service's {@code
 * main} calls it first; an explicit {@code -Dlogback.configurationFile} wins. The file has its own
 * name so that it never collides with the {@code logback.xml} of a program that embeds this module,
 * such as the command line.
 */
public final class ServiceLogging {
  private ServiceLogging() {}

  /** Selects the services' logging configuration unless one is chosen already. */
  public static void configure() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "clae-service-logback.xml");
    }
  }
}
