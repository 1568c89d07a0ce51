package dev.clae.platform;

/**
 * What a service is given: its settings, its replica name, the topic names and its metrics.
 *
 * @param service the service's kind: augmenter, adversary, trainer, evaluator or coordinator
 * @param serviceId the replica's name in logs and messages
 */
public record ServiceContext(
    String service, String serviceId, Settings settings, Topics topics, Metrics metrics) {

  /** Creates the context of a replica. */
  public static ServiceContext of(String service, Settings settings) {
    return new ServiceContext(
        service, settings.serviceId(service), settings, new Topics(settings), new Metrics());
  }
}
