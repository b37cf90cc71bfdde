package dev.hourmeter.activities.batching;

import dev.hourmeter.activities.quota.RateSource;
import dev.hourmeter.activities.quota.SharedQuota;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The BatchMeterUsage quota of one worker, shared by every thread of the worker that calls
 * BatchMeterUsage (the {@link MeteringBatcher}'s dispatcher and its bisection re-sends). The rate
 * comes from a {@link RateSource}, read at every permit: fixed, or the worker's {@link SharedQuota}
 * (its share of the account's quota among the live workers, cut after throttling). Two rules, both
 * in real (monotonic) time:
 *
 * <ol>
 *   <li>a token bucket (GCRA) refilled at the rate, burst 1 by default: permits are evenly spaced
 *       {@code 1 s / rate} apart, granted in the order they are asked for;
 *   <li>a completion-aware sliding window: with {@code n = max(1, floor(rate))}, a permit is
 *       granted only once the {@code n}-th previous call has <em>completed</em> at least one second
 *       ago. AWS counts a request when it receives it, some time between our start and the end of
 *       the call, so this guarantees at most {@code n} receipts in any one-second window whatever
 *       the network latency and its jitter (pacing alone does not: a slow first call, e.g.
 *       connection set-up, lets the next one catch up with it). With low latency it costs nothing;
 *       with latency {@code L} it lowers the rate to about {@code n / (1 s + L)}.
 * </ol>
 *
 * <p>A rate of 0 (a worker joining a fleet) holds every permit until it rises.
 *
 * <p>AWS allows 10 BatchMeterUsage requests per second per account and region ({@link
 * #AWS_QUOTA_PER_SECOND}). <b>Several workers</b>: with fleet sharing each worker's {@link
 * SharedQuota} gives it a whole number of calls per second, the shares adding up to the quota, so
 * that the second rule keeps the whole fleet within 10 receipts in any second. Throttling that
 * still happens is retried with backoff by the batcher and then durably by Temporal.
 */
public final class MeteringRateLimiter {

  /** AWS's BatchMeterUsage quota per account and region. */
  public static final double AWS_QUOTA_PER_SECOND = 10.0;

  /** Stretch of the pacing interval; the completion window already makes 1.0 safe. */
  public static final double DEFAULT_GUARD = 1.0;

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How often a held permit (rate 0) looks at the rate again. */
  private static final long HOLD_POLL_MILLIS = 200;

  /** A permit never released (a bug) stops blocking the window after this long. */
  private static final long MAX_HOLD_NANOS = TimeUnit.MINUTES.toNanos(2);

  /** Permission for one call; {@link #release()} it when the call has completed (idempotent). */
  public interface Permit {
    void release();
  }

  /** A permit of no limiter. */
  public static final Permit UNLIMITED = () -> {};

  private final RateSource rate;
  private final int burst;
  private final double guard;
  private final LongSupplier nanoTime;
  private final Deque<Slot> recent = new ArrayDeque<>();
  private long theoreticalArrival;
  private boolean used;

  /** {@code callsPerSecond} with burst 1 and the default guard. */
  public MeteringRateLimiter(double callsPerSecond) {
    this(RateSource.fixed(callsPerSecond));
  }

  /** At the rate {@code rate} gives at each permit, with burst 1 and the default guard. */
  public MeteringRateLimiter(RateSource rate) {
    this(rate, 1, DEFAULT_GUARD, System::nanoTime);
  }

  MeteringRateLimiter(double callsPerSecond, int burst, double guard, LongSupplier nanoTime) {
    this(RateSource.fixed(callsPerSecond), burst, guard, nanoTime);
  }

  MeteringRateLimiter(RateSource rate, int burst, double guard, LongSupplier nanoTime) {
    if (burst < 1 || !(guard >= 1.0)) {
      throw new IllegalArgumentException(
          "burst must be >= 1 and guard >= 1.0: " + burst + ", " + guard);
    }
    this.rate = Objects.requireNonNull(rate, "rate");
    this.burst = burst;
    this.guard = guard;
    this.nanoTime = nanoTime;
  }

  /** The rate now (calls per second; 0 while held). */
  public double callsPerSecond() {
    return Math.max(0, rate.callsPerSecond());
  }

  /** The spacing between permits at full load at the rate now (zero while held). */
  public Duration interval() {
    double now = callsPerSecond();
    return now > 0 ? Duration.ofNanos(intervalNanos(now)) : Duration.ZERO;
  }

  private long intervalNanos(double callsPerSecond) {
    return (long) Math.ceil(TimeUnit.SECONDS.toNanos(1) * guard / callsPerSecond);
  }

  /** Calls allowed in any one-second window at the rate now: {@code max(1, floor(rate))}. */
  public int windowCalls() {
    return windowCalls(callsPerSecond());
  }

  private static int windowCalls(double callsPerSecond) {
    return Math.max(1, (int) Math.floor(callsPerSecond + 1e-9));
  }

  /** Blocks until the caller may make one call; release the permit when the call has completed. */
  public Permit acquire() throws InterruptedException {
    long waitNanos;
    while ((waitNanos = reserve()) < 0) {
      Thread.sleep(HOLD_POLL_MILLIS);
    }
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
    synchronized (this) {
      while (recent.size() >= windowCalls(callsPerSecond())) {
        Slot oldest = recent.peekFirst();
        long now = nanoTime.getAsLong();
        long endedAt = oldest.endedAt;
        if (!oldest.ended && now - oldest.startedAt > MAX_HOLD_NANOS) {
          endedAt = now - WINDOW_NANOS;
        } else if (!oldest.ended) {
          wait(100);
          continue;
        }
        long until = endedAt + WINDOW_NANOS - now;
        if (until <= 0) {
          recent.pollFirst();
        } else {
          TimeUnit.NANOSECONDS.timedWait(this, until);
        }
      }
      Slot slot = new Slot(nanoTime.getAsLong());
      recent.addLast(slot);
      return slot;
    }
  }

  /**
   * Reserves the next paced permit and returns how long to wait for it (0 = now), or -1 without
   * reserving when the rate is 0 (held).
   */
  synchronized long reserve() {
    double callsPerSecond = callsPerSecond();
    if (!(callsPerSecond > 0)) {
      return -1;
    }
    long intervalNanos = intervalNanos(callsPerSecond);
    long burstNanos = intervalNanos * burst;
    long now = nanoTime.getAsLong();
    long base = !used || now - theoreticalArrival > 0 ? now : theoreticalArrival;
    used = true;
    theoreticalArrival = base + intervalNanos;
    long allowedAt = theoreticalArrival - burstNanos;
    return Math.max(0, allowedAt - now);
  }

  private final class Slot implements Permit {
    final long startedAt;
    boolean ended;
    long endedAt;

    Slot(long startedAt) {
      this.startedAt = startedAt;
    }

    @Override
    public void release() {
      synchronized (MeteringRateLimiter.this) {
        if (!ended) {
          ended = true;
          endedAt = nanoTime.getAsLong();
          MeteringRateLimiter.this.notifyAll();
        }
      }
    }
  }
}
