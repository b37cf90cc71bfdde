package dev.hourmeter.worker.ingest;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.hourmeter.client.usage.EventOutcome;
import dev.hourmeter.client.usage.UsageEvent;
import dev.hourmeter.client.usage.UsageReporter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ingest API's server (JDK HttpServer, one virtual thread per request; HTTPS from a PKCS12
 * keystore when one is configured): see {@link IngestHandler} for the routes and
 * docs/http-ingest.md for the API.
 */
public final class IngestServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IngestServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final ScheduledExecutorService timer;
  private final boolean tls;

  private IngestServer(
      HttpServer server, ExecutorService executor, ScheduledExecutorService timer, boolean tls) {
    this.server = server;
    this.executor = executor;
    this.timer = timer;
    this.tls = tls;
  }

  /** Serves events through {@code reporter}. */
  public static IngestServer start(
      IngestSettings settings, UsageReporter reporter, MeterRegistry registry) {
    return start(settings, reporter::report, registry);
  }

  /**
   * Binds and serves, delivering events with {@code reporter}.
   *
   * @throws UncheckedIOException naming the address when it cannot bind
   * @throws IllegalArgumentException naming the flag, variable and file when the keystore cannot be
   *     used (never the password)
   */
  public static IngestServer start(
      IngestSettings settings,
      Function<List<UsageEvent>, List<EventOutcome>> reporter,
      MeterRegistry registry) {
    SSLContext tls =
        settings.keystore() == null
            ? null
            : IngestKeystore.serverContext(settings.keystore(), settings.keystorePassword());
    InetSocketAddress address;
    HttpServer server;
    try {
      address =
          new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port());
      if (tls != null) {
        HttpsServer https = HttpsServer.create(address, 64);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        server = https;
      } else {
        server = HttpServer.create(address, 64);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve the ingest API on "
              + settings.bindAddress()
              + ":"
              + settings.port()
              + " (--ingest-bind, --ingest-port): "
              + e.getMessage(),
          e);
    }
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ingest-", 0).factory());
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ingest-read-timeout").factory());
    server.setExecutor(executor);
    server.createContext("/", new IngestHandler(settings, reporter, timer, registry));
    server.start();
    IngestServer started = new IngestServer(server, executor, timer, settings.keystore() != null);
    log.info(
        "HTTP ingest API on {} ({}, max {} concurrent)",
        started.usageUrl(),
        settings.tokens(),
        settings.maxConcurrent());
    return started;
  }

  /** {@code http(s)://HOST:PORT/v1/usage}: where events are posted. */
  public URI usageUrl() {
    return baseUrl().resolve(IngestHandler.USAGE_PATH);
  }

  /** {@code http(s)://HOST:PORT/}. */
  public URI baseUrl() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((tls ? "https" : "http") + "://" + host + ":" + address.getPort() + "/");
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    timer.shutdownNow();
  }
}
