package dev.clae.platform;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Hosts one service in a process: a Vert.x instance whose verticle serves {@code GET /health} (200
 * while the service runs and is healthy, 503 otherwise) and {@code GET /metrics} (Prometheus text),
 * and the service's blocking loop on a thread of its own. A service that ends with an exception
 * ends the process with status 1, so that its supervisor (Kubernetes, {@code clae local}) restarts
 * it.
 */
public final class ServiceHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHost.class);

  private final ServiceContext context;
  private final PipelineService service;
  private final Vertx vertx;
  private final Thread loop;
  private final CountDownLatch done = new CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Throwable failure;
  private volatile int httpPort;

  private ServiceHost(ServiceContext context, PipelineService service) {
    this.context = context;
    this.service = service;
    this.vertx = Vertx.vertx();
    this.loop = new Thread(this::runLoop, context.service() + "-loop");
  }

  /**
   * Starts a service: its health endpoint first, then its loop.
   *
   * @param factory builds the service; it may connect to Kafka and the store
   */
  public static ServiceHost start(
      ServiceContext context, Function<ServiceContext, PipelineService> factory) {
    MDC.put("service", context.serviceId());
    LOG.info("starting {} with settings {}", context.serviceId(), context.settings().describe());
    PipelineService service = factory.apply(context);
    ServiceHost host = new ServiceHost(context, service);
    host.httpPort =
        host.vertx.deployVerticle(host.new HealthVerticle()).map(id -> host.httpPort).await();
    host.loop.start();
    return host;
  }

  /**
   * Runs a service as a process's main: settings from the environment and {@code --set} arguments,
   * a shutdown hook that stops it, and exit status 0 after a stop, 1 after a failure, 2 for bad
   * settings.
   */
  public static void main(
      String service, String[] args, Function<ServiceContext, PipelineService> factory) {
    ServiceHost host;
    try {
      Settings settings = Settings.load(System.getenv(), args);
      host = start(ServiceContext.of(service, settings), factory);
    } catch (IllegalArgumentException e) {
      System.err.println(service + ": bad settings: " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      // Also what Vert.x rethrows undeclared, such as a BindException for a port in use: a
      // service without its health endpoint must end, not linger on the threads it started.
      LOG.error("{} cannot start: {}", service, e.toString(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(host::close, service + "-shutdown"));
    host.awaitEnd();
    Throwable f = host.failure;
    host.close();
    System.exit(f == null ? 0 : 1);
  }

  private void runLoop() {
    MDC.put("service", context.serviceId());
    try {
      service.run();
      LOG.info("{} stopped", context.serviceId());
    } catch (Throwable t) {
      failure = t;
      LOG.error("{} failed: {}", context.serviceId(), t.toString(), t);
    } finally {
      done.countDown();
    }
  }

  /** Returns the port of the health endpoint. */
  public int httpPort() {
    return httpPort;
  }

  /** Returns the service. */
  public PipelineService service() {
    return service;
  }

  /** Returns the context. */
  public ServiceContext context() {
    return context;
  }

  /** Returns the failure that ended the loop, or null. */
  public Throwable failure() {
    return failure;
  }

  /** Blocks until the loop ends. */
  public void awaitEnd() {
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the loop (waiting up to 30 s), releases the service and closes Vert.x. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    service.stop();
    try {
      if (!done.await(30, TimeUnit.SECONDS)) {
        LOG.warn("{} did not stop within 30 s", context.serviceId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    service.close();
    vertx.close().await();
  }

  /** Serves health and metrics. */
  private final class HealthVerticle extends VerticleBase {
    private HttpServer server;

    private ServiceHost host() {
      return ServiceHost.this;
    }

    @Override
    public Future<?> start() {
      server =
          vertx
              .createHttpServer()
              .requestHandler(
                  req -> {
                    switch (req.path()) {
                      case "/health" -> {
                        boolean up = host().done.getCount() > 0 && host().service.healthy();
                        JsonObject body =
                            new JsonObject()
                                .put("status", up ? "up" : "down")
                                .put("service", host().context.service())
                                .put("id", host().context.serviceId());
                        req.response()
                            .setStatusCode(up ? 200 : 503)
                            .putHeader("content-type", "application/json")
                            .end(body.encode());
                      }
                      case "/metrics" ->
                          req.response()
                              .putHeader("content-type", "text/plain; version=0.0.4")
                              .end(
                                  host()
                                      .context
                                      .metrics()
                                      .render("clae_" + host().context.service() + "_"));
                      default -> req.response().setStatusCode(404).end();
                    }
                  });
      return server
          .listen(host().context.settings().getInt(Settings.HTTP_PORT), "0.0.0.0")
          .onSuccess(s -> httpPort = s.actualPort());
    }

    @Override
    public Future<?> stop() {
      return server == null ? Future.succeededFuture() : server.close();
    }
  }
}
