package dev.hourmeter.worker.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether the worker shares AWS's per-account quotas (BatchMeterUsage 10/s, LookupEvents 2/s) with
 * the other live workers of its task queue, and how often it counts them.
 *
 * <p>The worker counts the pollers the Temporal server lists for its task queue whose last poll is
 * at most {@link #STALE_AFTER} old. The worker's own polls are cut to {@link #LONG_POLL} (the SDK's
 * 70 s otherwise), so an idle worker's last poll is never older than that and it stays counted,
 * while a worker that died drops out {@code STALE_AFTER} after its last poll. A worker that sees
 * others waits {@code refresh} plus {@link #SETTLE_MARGIN} after the server first lists it before
 * it calls, so that every other worker has counted it and made room.
 */
public record FleetSharing(boolean enabled, Duration refresh) {

  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(10);
  public static final Duration MIN_REFRESH = Duration.ofSeconds(1);

  /** The worker's long-poll timeout when sharing is on. */
  public static final Duration LONG_POLL = Duration.ofSeconds(30);

  /** How old a poller's last access may be and still count as a live worker. */
  public static final Duration STALE_AFTER = LONG_POLL.plusSeconds(15);

  /** Beyond one refresh interval, before a joining worker calls. */
  public static final Duration SETTLE_MARGIN = Duration.ofSeconds(3);

  public FleetSharing {
    Objects.requireNonNull(refresh, "refresh");
    if (refresh.compareTo(MIN_REFRESH) < 0) {
      throw new IllegalArgumentException(
          "refresh must be at least " + MIN_REFRESH + ": " + refresh);
    }
  }

  /** On, every 10 s. */
  public static FleetSharing defaults() {
    return new FleetSharing(true, DEFAULT_REFRESH);
  }

  /** Off: the worker takes its caps ({@code --metering-tps}, {@code --cloudtrail-tps}) alone. */
  public static FleetSharing off() {
    return new FleetSharing(false, DEFAULT_REFRESH);
  }

  /** How long a worker that sees others waits, once listed, before it calls. */
  public Duration settleDelay() {
    return refresh.plus(SETTLE_MARGIN);
  }

  @Override
  public String toString() {
    return enabled ? "fleetSharing=on fleetRefresh=" + refresh : "fleetSharing=off";
  }
}
