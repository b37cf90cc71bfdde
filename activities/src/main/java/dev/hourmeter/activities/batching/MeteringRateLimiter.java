package dev.hourmeter.activities.batching;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The BatchMeterUsage quota of one worker, shared by every thread of the worker that calls
 * BatchMeterUsage (the {@link MeteringBatcher}'s dispatcher and its bisection re-sends). Two rules,
 * both in real (monotonic) time:
 *
 * <ol>
 *   <li>a token bucket (GCRA) refilled at {@code callsPerSecond}, burst 1 by default: permits are
 *       evenly spaced {@code 1 s / rate} apart, granted in the order they are asked for;
 *   <li>a completion-aware sliding window: with {@code n = floor(rate)}, a permit is granted only
 *       once the {@code n}-th previous call has <em>completed</em> at least one second ago. AWS
 *       counts a request when it receives it, some time between our start and the end of the call,
 *       so this guarantees at most {@code n} receipts in any one-second window whatever the network
 *       latency and its jitter (pacing alone does not: a slow first call, e.g. connection set-up,
 *       lets the next one catch up with it). With low latency it costs nothing; with latency {@code
 *       L} it lowers the rate to about {@code n / (1 s + L)}.
 * </ol>
 *
 * <p>AWS allows 10 BatchMeterUsage requests per second per account and region ({@link
 * #AWS_QUOTA_PER_SECOND}).
 *
 * <p><b>Several workers.</b> The limiter holds the quota within one JVM only. With {@code N}
 * workers metering for the same AWS account and region, give each {@code 10 / N} calls/s (e.g. 5 on
 * each of 2 workers), or run the SubmitUsageRecords activity on a dedicated task queue whose
 * workers set {@code WorkerOptions.setMaxTaskQueueActivitiesPerSecond} (a server-side limit for the
 * whole queue; an activity may still make several calls, so keep this limiter as well). Throttling
 * that still happens is retried with backoff by the batcher and then durably by Temporal.
 */
public final class MeteringRateLimiter {

  /** AWS's BatchMeterUsage quota per account and region. */
  public static final double AWS_QUOTA_PER_SECOND = 10.0;

  /** Stretch of the pacing interval; the completion window already makes 1.0 safe. */
  public static final double DEFAULT_GUARD = 1.0;

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** A permit never released (a bug) stops blocking the window after this long. */
  private static final long MAX_HOLD_NANOS = TimeUnit.MINUTES.toNanos(2);

  /** Permission for one call; {@link #release()} it when the call has completed (idempotent). */
  public interface Permit {
    void release();
  }

  /** A permit of no limiter. */
  public static final Permit UNLIMITED = () -> {};

  private final double callsPerSecond;
  private final long intervalNanos;
  private final long burstNanos;
  private final int windowCalls;
  private final LongSupplier nanoTime;
  private final Deque<Slot> recent = new ArrayDeque<>();
  private long theoreticalArrival;
  private boolean used;

  /** {@code callsPerSecond} with burst 1 and the default guard. */
  public MeteringRateLimiter(double callsPerSecond) {
    this(callsPerSecond, 1, DEFAULT_GUARD, System::nanoTime);
  }

  MeteringRateLimiter(double callsPerSecond, int burst, double guard, LongSupplier nanoTime) {
    if (!(callsPerSecond > 0) || Double.isInfinite(callsPerSecond)) {
      throw new IllegalArgumentException("callsPerSecond must be positive: " + callsPerSecond);
    }
    if (burst < 1 || !(guard >= 1.0)) {
      throw new IllegalArgumentException(
          "burst must be >= 1 and guard >= 1.0: " + burst + ", " + guard);
    }
    this.callsPerSecond = callsPerSecond;
    this.intervalNanos = (long) Math.ceil(TimeUnit.SECONDS.toNanos(1) * guard / callsPerSecond);
    this.burstNanos = intervalNanos * burst;
    this.windowCalls = Math.max(1, (int) Math.floor(callsPerSecond));
    this.nanoTime = nanoTime;
  }

  public double callsPerSecond() {
    return callsPerSecond;
  }

  /** The spacing between permits at full load. */
  public Duration interval() {
    return Duration.ofNanos(intervalNanos);
  }

  /** Blocks until the caller may make one call; release the permit when the call has completed. */
  public Permit acquire() throws InterruptedException {
    long waitNanos = reserve();
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
    synchronized (this) {
      while (recent.size() >= windowCalls) {
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

  /** Reserves the next paced permit and returns how long to wait for it (0 = now). */
  synchronized long reserve() {
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
