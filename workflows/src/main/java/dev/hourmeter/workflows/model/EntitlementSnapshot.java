package dev.hourmeter.workflows.model;

import java.time.Instant;
import java.util.Map;

/**
 * The customer's entitlements at {@code checkedAt}. {@code entitled} is false when GetEntitlements returned
 * no unexpired entitlement for the customer ({@code reason} says why). {@code entitledQuantities} holds
 * each dimension's integer entitlement (contracts meter only the usage above it).
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

  public long entitledQuantity(String dimension) {
    return entitledQuantities.getOrDefault(dimension, 0L);
  }
}
