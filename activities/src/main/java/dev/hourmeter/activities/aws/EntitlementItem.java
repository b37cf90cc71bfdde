package dev.hourmeter.activities.aws;

import java.time.Instant;

/**
 * One GetEntitlements entitlement, in our own types. Exactly one of the value fields is normally
 * set. {@code expirationDate} is null when the entitlement does not expire.
 */
public record EntitlementItem(
    String productCode,
    String dimension,
    String customerIdentifier,
    String customerAwsAccountId,
    Integer integerValue,
    Double doubleValue,
    Boolean booleanValue,
    String stringValue,
    Instant expirationDate) {

  /** Not expired at {@code now}: no expiration date, or one after {@code now}. */
  public boolean activeAt(Instant now) {
    return expirationDate == null || expirationDate.isAfter(now);
  }
}
