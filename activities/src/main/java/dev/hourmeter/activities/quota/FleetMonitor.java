package dev.hourmeter.activities.quota;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the worker's {@link SharedQuota}s in step with the fleet: every {@code refresh} it asks the
 * {@link PollerSource} which workers poll the task queue, turns the answer into a {@link FleetView}
 * ({@link FleetMembership}) and hands it to each quota. Until the server lists this worker it looks
 * every {@value #UNLISTED_REFRESH_SECONDS} s instead, and it looks again the moment a joining
 * period ends.
 *
 * <p>A failed look keeps the last view (logged, first and then every tenth failure). A server that
 * cannot tell ({@link UnsupportedOperationException}: the API not implemented, as on the in-process
 * test server, or not permitted) turns sharing off: the worker is alone again and takes {@code
 * min(quota, cap)}; throttling still cuts its rate.
 *
 * <p>Metric: gauge {@code hourmeter.fleet.workers}, the live workers seen (this one included).
 */
public final class FleetMonitor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FleetMonitor.class);
  static final long UNLISTED_REFRESH_SECONDS = 2;

  private final PollerSource source;
  private final FleetMembership membership;
  private final Duration refresh;
  private final List<SharedQuota> quotas;
  private final String queue;
  private final AtomicInteger workers = new AtomicInteger(1);
  private final ScheduledExecutorService timer;
  private int failures;
  private volatile boolean stopped;
  private String lastFleet;

  /**
   * Looks once now (so the worker starts with a view), then keeps looking on a daemon thread until
   * {@link #close()}.
   *
   * @param queue the task queue, for the logs
   */
  public static FleetMonitor start(
      PollerSource source,
      FleetMembership membership,
      Duration refresh,
      List<SharedQuota> quotas,
      MeterRegistry registry,
      String queue) {
    FleetMonitor monitor = new FleetMonitor(source, membership, refresh, quotas, registry, queue);
    monitor.look();
    return monitor;
  }

  FleetMonitor(
      PollerSource source,
      FleetMembership membership,
      Duration refresh,
      List<SharedQuota> quotas,
      MeterRegistry registry,
      String queue) {
    this.source = Objects.requireNonNull(source, "source");
    this.membership = Objects.requireNonNull(membership, "membership");
    this.refresh = Objects.requireNonNull(refresh, "refresh");
    if (refresh.isNegative() || refresh.isZero()) {
      throw new IllegalArgumentException("refresh must be positive: " + refresh);
    }
    this.quotas = List.copyOf(quotas);
    this.queue = queue;
    Gauge.builder("hourmeter.fleet.workers", workers, AtomicInteger::get)
        .description("live workers seen polling this worker's task queue, itself included")
        .strongReference(true)
        .register(registry);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fleet-monitor");
              t.setDaemon(true);
              return t;
            });
    log.info(
        "fleet sharing on: counting the workers that poll task queue {} every {} s",
        queue,
        refresh.toSeconds());
  }

  /** One look, then the next one scheduled. */
  synchronized void look() {
    if (stopped) {
      return;
    }
    Duration next = refresh;
    try {
      FleetView view = membership.update(source.lastAccessByIdentity());
      failures = 0;
      workers.set(view.workers());
      quotas.forEach(q -> q.fleetChanged(view));
      String fleet = String.join(", ", membership.live());
      if (!fleet.equals(lastFleet)) {
        log.info(
            "fleet on task queue {}: {} worker(s): {} (this one: {})",
            queue,
            view.workers(),
            fleet,
            membership.self());
        lastFleet = fleet;
      }
      if (!membership.listed()) {
        next = min(next, Duration.ofSeconds(UNLISTED_REFRESH_SECONDS));
      }
      if (view.joining()) {
        next = min(next, view.joiningFor().plusMillis(50));
      }
    } catch (UnsupportedOperationException e) {
      log.warn(
          "fleet sharing off: the Temporal server does not say who polls task queue {} ({});"
              + " this worker takes its whole cap",
          queue,
          e.getMessage());
      workers.set(1);
      quotas.forEach(q -> q.fleetChanged(FleetView.ALONE));
      stopped = true;
      timer.shutdown();
      return;
    } catch (RuntimeException e) {
      failures++;
      if (failures == 1 || failures % 10 == 0) {
        log.warn(
            "fleet: cannot list the pollers of task queue {} ({} time(s) in a row): {}; keeping"
                + " the last view ({} worker(s))",
            queue,
            failures,
            e.toString(),
            workers.get());
      }
    }
    try {
      timer.schedule(this::look, next.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    stopped = true;
    timer.shutdownNow();
  }
}
