package dev.hourmeter.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running part of a {@link MarketplaceSimulator}: its HTTP server (AWS API and control API, on
 * virtual threads) and the ticker that delivers due agreement events every 200 ms. Logs under the
 * simulator's logger.
 */
final class SimulatorServer {

  private static final Logger LOG = LoggerFactory.getLogger(MarketplaceSimulator.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final ScheduledExecutorService ticker;

  private SimulatorServer(
      HttpServer server, ExecutorService executor, ScheduledExecutorService ticker) {
    this.server = server;
    this.executor = executor;
    this.ticker = ticker;
  }

  /** Binds {@code config}'s host and port and starts serving {@code simulator}. */
  static SimulatorServer start(
      SimulatorConfig config, SimulatorState state, MarketplaceSimulator simulator) {
    try {
      HttpServer created =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 256);
      created.createContext(ControlApiHandler.PREFIX + "/", new ControlApiHandler(simulator));
      created.createContext("/", new AwsApiHandler(state, Clock.systemUTC()));
      ExecutorService executor =
          Executors.newThreadPerTaskExecutor(
              Thread.ofVirtual().name("marketplace-sim-", 0).factory());
      created.setExecutor(executor);
      created.start();
      ScheduledExecutorService ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().daemon().name("marketplace-sim-events").unstarted(r));
      ticker.scheduleWithFixedDelay(() -> deliverDue(state), 200, 200, TimeUnit.MILLISECONDS);
      return new SimulatorServer(created, executor, ticker);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot bind simulator to " + config.host() + ":" + config.port(), e);
    }
  }

  private static void deliverDue(SimulatorState state) {
    try {
      state.agreements.deliverDue();
    } catch (RuntimeException e) {
      LOG.warn("delivering agreement events failed", e);
    }
  }

  /** The bound port. */
  int port() {
    return server.getAddress().getPort();
  }

  /** Stops the server immediately. */
  void stop() {
    server.stop(0);
    executor.shutdownNow();
    ticker.shutdownNow();
  }
}
