package dev.clae.coordinator;

import dev.clae.platform.ServiceHost;
import dev.clae.platform.ServiceLogging;

/** Entry point of the coordinator service: settings from the environment and --set arguments. */
public final class Main {
  private Main() {}

  /** Starts the service and runs until it is stopped. */
  public static void main(String[] args) {
    ServiceLogging.configure();
    ServiceHost.main("coordinator", args, CoordinatorService::new);
  }
}
