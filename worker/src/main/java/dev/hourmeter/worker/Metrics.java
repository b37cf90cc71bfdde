package dev.hourmeter.worker;

import com.sun.net.httpserver.HttpServer;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's meter registry. With a metrics port, a Prometheus registry served at {@code
 * /metrics}, and the Temporal SDK's metrics reported into it; without, a simple in-memory registry
 * and no Temporal metrics.
 */
public final class Metrics implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Metrics.class);

  private final MeterRegistry registry;
  private final Scope temporalScope;
  private final HttpServer server;

  private Metrics(MeterRegistry registry, Scope temporalScope, HttpServer server) {
    this.registry = registry;
    this.temporalScope = temporalScope;
    this.server = server;
  }

  public static Metrics start(int port) {
    if (port == 0) {
      return new Metrics(new SimpleMeterRegistry(), null, null);
    }
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Scope scope =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(prometheus))
            .reportEvery(com.uber.m3.util.Duration.ofSeconds(10));
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the metrics endpoint to port " + port, e);
    }
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metrics-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    log.info("Prometheus metrics on http://0.0.0.0:{}/metrics", port);
    return new Metrics(prometheus, scope, server);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Scope for the Temporal SDK, or null when metrics are off. */
  public Scope temporalScope() {
    return temporalScope;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    if (temporalScope != null) {
      try {
        temporalScope.close();
      } catch (ScopeCloseException e) {
        log.debug("closing the Temporal metrics scope failed: {}", e.toString());
      }
    }
    registry.close();
  }
}
