package dev.clae.adversary;

import dev.clae.platform.ServiceHost;
import dev.clae.platform.ServiceLogging;

/** Entry point of the adversary service: settings from the environment and --set arguments. */
public final class Main {
  private Main() {}

  /** Starts the service and runs until it is stopped. */
  public static void main(String[] args) {
    ServiceLogging.configure();
    ServiceHost.main("adversary", args, AdversaryService::new);
  }
}
