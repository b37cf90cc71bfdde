package dev.hourmeter.activities.quota;

/**
 * Where a rate limiter reads how many calls per second it may make now. Read at every permit, so a
 * change applies to the next call; 0 means hold every call until it rises again.
 */
@FunctionalInterface
public interface RateSource {

  /** Calls per second allowed now: {@code >= 0}, finite. */
  double callsPerSecond();

  /** Always {@code callsPerSecond} (> 0). */
  static RateSource fixed(double callsPerSecond) {
    if (!(callsPerSecond > 0) || Double.isInfinite(callsPerSecond)) {
      throw new IllegalArgumentException("callsPerSecond must be positive: " + callsPerSecond);
    }
    return () -> callsPerSecond;
  }
}
