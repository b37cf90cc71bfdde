package dev.hourmeter.activities.aws;

import java.time.Instant;

/**
 * One GetEntitlements entitlement, in our own types. Exactly one of the value fields is normally
 * set. {@code expirationDate} is null when the entitlement does not expire. {@code licenseArn}
 * (Concurrent Agreements) is the license the entitlement belongs to, null when AWS did not name
 * one.
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
    Instant expirationDate,
    String licenseArn) {

  /** An entitlement that names no license. */
  public EntitlementItem(
      String productCode,
      String dimension,
      String customerIdentifier,
      String customerAwsAccountId,
      Integer integerValue,
      Double doubleValue,
      Boolean booleanValue,
      String stringValue,
      Instant expirationDate) {
    this(
        productCode,
        dimension,
        customerIdentifier,
        customerAwsAccountId,
        integerValue,
        doubleValue,
        booleanValue,
        stringValue,
        expirationDate,
        null);
  }

  /** Not expired at {@code now}: no expiration date, or one after {@code now}. */
  public boolean activeAt(Instant now) {
    return expirationDate == null || expirationDate.isAfter(now);
  }
}
