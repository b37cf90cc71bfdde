package dev.hourmeter.workflows.model.activity;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The customer's entitlements at {@code checkedAt}. {@code entitled} is false when GetEntitlements
 * returned no unexpired entitlement for the customer ({@code reason} says why). {@code
 * entitledQuantities} holds each dimension's integer entitlement (contracts meter only the usage
 * above it).
 */
public record EntitlementSnapshot(
    boolean entitled,
    String reason,
    Map<String, Long> entitledQuantities,
    Instant earliestExpiration,
    Instant checkedAt) {

  public EntitlementSnapshot {
    entitledQuantities = entitledQuantities == null ? Map.of() : Map.copyOf(entitledQuantities);
  }

  /** The same answer, stamped with the (workflow) time it was taken at. */
  public EntitlementSnapshot checkedAt(Instant at) {
    return new EntitlementSnapshot(entitled, reason, entitledQuantities, earliestExpiration, at);
  }

  /**
   * Whether this answer may still stand in for a new check at {@code now}: entitled, younger than
   * maxAge, unexpired.
   */
  public boolean reusableAt(Instant now, Duration maxAge) {
    return entitled
        && !maxAge.isZero()
        && checkedAt != null
        && checkedAt.plus(maxAge).isAfter(now)
        && (earliestExpiration == null || earliestExpiration.isAfter(now));
  }

  public long entitledQuantity(String dimension) {
    return entitledQuantities.getOrDefault(dimension, 0L);
  }
}
