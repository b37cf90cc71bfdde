package dev.hourmeter.activities.quota;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's part of one AWS quota (BatchMeterUsage, LookupEvents): the {@link RateSource} its
 * rate limiter reads before every call.
 *
 * <p>The <b>share</b> comes from the fleet ({@link #fleetChanged}, fed by the {@link
 * FleetMonitor}): {@link QuotaShare#allotment} of the quota for this worker's rank among the live
 * workers, at most {@code cap}; 0 while the worker is joining (the others may not have made room
 * for it yet). Without a fleet view the worker is alone and its share is {@code min(quota, cap)}.
 *
 * <p>The <b>rate</b> the limiter gets is the share passed through {@link AimdRate}: a throttle
 * signal from AWS ({@link #throttled()}, fed by the one AWS adapter) halves it, at most once a
 * second, never below 5 % of the quota; it then climbs back by 5 % of the quota per second (0.5
 * calls/s per second for BatchMeterUsage) to the share. A share that grows is climbed to the same
 * way; one that shrinks applies at once.
 *
 * <p>Metrics, tagged {@code operation}: gauges {@code hourmeter.quota.share} and {@code
 * hourmeter.quota.rate} (calls/s), counter {@code hourmeter.quota.backoffs} (throttle signals that
 * cut the rate). Logs a line when the share changes and, at most every 10 s, when throttling cut
 * the rate. Thread-safe.
 */
public final class SharedQuota implements RateSource {

  private static final Logger log = LoggerFactory.getLogger(SharedQuota.class);

  /** AWS's BatchMeterUsage quota per account and region. */
  public static final double BATCH_METER_USAGE_QUOTA = 10.0;

  /** AWS's CloudTrail LookupEvents quota per account and region. */
  public static final double LOOKUP_EVENTS_QUOTA = 2.0;

  static final double DECREASE_FACTOR = 0.5;
  static final double INCREASE_PER_SECOND_OF_QUOTA = 0.05;
  static final double FLOOR_OF_QUOTA = 0.05;
  static final long HOLDOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long THROTTLE_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String operation;
  private final double quota;
  private final double cap;
  private final LongSupplier nanoTime;
  private final AimdRate aimd;
  private final Counter backoffs;

  private volatile FleetView view = FleetView.ALONE;
  private volatile long joiningUntil;

  // Guarded by this.
  private String lastLogged;
  private boolean throttleLogged;
  private long throttleLoggedAt;
  private int cutsSinceLog;

  /**
   * A quota of {@code quota} calls/s per account shared by the fleet, of which this worker takes at
   * most {@code cap}; a cap above the quota raises the quota to it (an account whose quota AWS
   * raised: give every worker the account's quota as its cap).
   */
  public SharedQuota(String operation, double quota, double cap, MeterRegistry registry) {
    this(operation, quota, cap, registry, System::nanoTime);
  }

  SharedQuota(
      String operation, double quota, double cap, MeterRegistry registry, LongSupplier nanoTime) {
    this.operation = Objects.requireNonNull(operation, "operation");
    if (!(quota > 0) || !(cap > 0) || Double.isInfinite(quota) || Double.isInfinite(cap)) {
      throw new IllegalArgumentException(
          operation + ": quota and cap must be positive: " + quota + ", " + cap);
    }
    this.quota = Math.max(quota, cap);
    this.cap = cap;
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.aimd =
        new AimdRate(
            Math.min(this.quota, cap),
            this.quota * INCREASE_PER_SECOND_OF_QUOTA,
            DECREASE_FACTOR,
            this.quota * FLOOR_OF_QUOTA,
            HOLDOFF_NANOS,
            nanoTime);
    Gauge.builder("hourmeter.quota.share", this, SharedQuota::share)
        .description("calls per second this worker may make of the account's quota")
        .tag("operation", operation)
        .strongReference(true)
        .register(registry);
    Gauge.builder("hourmeter.quota.rate", this, SharedQuota::callsPerSecond)
        .description("calls per second this worker paces at now (the share after throttling)")
        .tag("operation", operation)
        .strongReference(true)
        .register(registry);
    this.backoffs =
        Counter.builder("hourmeter.quota.backoffs")
            .description("throttle signals from AWS that cut this worker's rate")
            .tag("operation", operation)
            .register(registry);
  }

  /** BatchMeterUsage: 10 calls/s per account, at most {@code cap} ({@code --metering-tps}). */
  public static SharedQuota batchMeterUsage(double cap, MeterRegistry registry) {
    return new SharedQuota("BatchMeterUsage", BATCH_METER_USAGE_QUOTA, cap, registry);
  }

  /** LookupEvents: 2 calls/s per account, at most {@code cap} ({@code --cloudtrail-tps}). */
  public static SharedQuota lookupEvents(double cap, MeterRegistry registry) {
    return new SharedQuota("LookupEvents", LOOKUP_EVENTS_QUOTA, cap, registry);
  }

  public String operation() {
    return operation;
  }

  /** The account's quota this worker shares (calls/s). */
  public double quota() {
    return quota;
  }

  /** The most this worker takes, whatever the fleet. */
  public double cap() {
    return cap;
  }

  /** The fleet as last seen. */
  public FleetView view() {
    return view;
  }

  /** This worker's share now: its allotment, or 0 while it is joining. */
  public double share() {
    FleetView v = view;
    if (v.joining() && nanoTime.getAsLong() - joiningUntil < 0) {
      return 0;
    }
    return QuotaShare.allotment(quota, cap, v.workers(), v.rank());
  }

  /** The rate to pace at now: the share, lowered after throttling and climbing back. */
  @Override
  public double callsPerSecond() {
    return aimd.rate(share());
  }

  /** The fleet as the {@link FleetMonitor} sees it now. */
  public void fleetChanged(FleetView next) {
    Objects.requireNonNull(next, "next");
    synchronized (this) {
      joiningUntil = nanoTime.getAsLong() + next.joiningFor().toNanos();
      view = next;
      String line = describe(next);
      if (!line.equals(lastLogged)) {
        lastLogged = line;
        log.info("{}", line);
      }
    }
  }

  /** AWS throttled a call of this operation (called by the AWS adapter, on any thread). */
  public void throttled() {
    double share = share();
    if (!aimd.throttled(share)) {
      return;
    }
    backoffs.increment();
    double rate = aimd.rate(share);
    synchronized (this) {
      cutsSinceLog++;
      long now = nanoTime.getAsLong();
      if (!throttleLogged || now - throttleLoggedAt >= THROTTLE_LOG_EVERY_NANOS) {
        log.warn(
            "{} throttled by AWS: pacing at {} calls/s (share {}), climbing back by {} calls/s"
                + " each second ({} cut(s) since the last such line)",
            operation,
            format(rate),
            format(share),
            format(quota * INCREASE_PER_SECOND_OF_QUOTA),
            cutsSinceLog);
        throttleLogged = true;
        throttleLoggedAt = now;
        cutsSinceLog = 0;
      }
    }
  }

  private String describe(FleetView v) {
    String fleet =
        v.workers() == 1
            ? "1 worker"
            : v.workers() + " workers, this one #" + (v.rank() + 1) + " by identity";
    if (v.joining()) {
      return String.format(
          Locale.ROOT,
          "%s: joining (%s): no calls for %d s, until the others have made room",
          operation,
          fleet,
          Math.max(1, (v.joiningFor().toMillis() + 999) / 1000));
    }
    return String.format(
        Locale.ROOT,
        "%s: share %s calls/s of the account's %s (%s; cap %s)",
        operation,
        format(QuotaShare.allotment(quota, cap, v.workers(), v.rank())),
        format(quota),
        fleet,
        format(cap));
  }

  static String format(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.2f", value);
  }
}
