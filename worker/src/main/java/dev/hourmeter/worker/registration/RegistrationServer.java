package dev.hourmeter.worker.registration;

import com.sun.net.httpserver.HttpServer;
import dev.hourmeter.activities.aws.RegistrationService;
import dev.hourmeter.worker.catalog.ProductCatalog;
import dev.hourmeter.worker.onboarding.CustomerWorkflowStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registration endpoint's HTTP server (JDK HttpServer, one virtual thread per request): POST
 * {@code /} (any path) is the fulfillment URL ({@link RegistrationHandler}), GET {@code
 * /registered} the default landing page, GET {@code /health} a liveness check. Plain HTTP on
 * 127.0.0.1 by default: AWS requires HTTPS, so put a TLS proxy in front.
 */
public final class RegistrationServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RegistrationServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private RegistrationServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and serves.
   *
   * @throws UncheckedIOException naming the address when it cannot bind
   */
  public static RegistrationServer start(
      RegistrationSettings settings,
      RegistrationService resolver,
      ProductCatalog catalog,
      CustomerWorkflowStarter starter) {
    HttpServer server;
    try {
      server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port()),
              64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve the registration endpoint on "
              + settings.bindAddress()
              + ":"
              + settings.port()
              + " (--registration-bind, --registration-port): "
              + e.getMessage(),
          e);
    }
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("registration-", 0).factory());
    server.setExecutor(executor);
    server.createContext(
        "/", new RegistrationHandler(resolver, catalog, starter, settings.landingUrl()));
    server.start();
    RegistrationServer started = new RegistrationServer(server, executor);
    log.info(
        "registration endpoint (fulfillment URL) on {}, landing {}, products {}",
        started.url(),
        settings.landingUrl() == null
            ? started.url().resolve("/registered")
            : settings.landingUrl(),
        catalog.products().stream().map(p -> p.productCode()).toList());
    return started;
  }

  /** {@code http://HOST:PORT/}: the address to give as the product's fulfillment URL. */
  public URI url() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
