package dev.hourmeter.workflows.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who is metered. AWS accepts exactly one of the legacy {@code CustomerIdentifier} (from
 * ResolveCustomer) or the newer {@code CustomerAWSAccountId} (12 digits). {@code licenseArn}
 * (Concurrent Agreements) makes the customer's records licensed: each carries the LicenseArn on the
 * wire and their request omits ProductCode (added at the HTTP layer: the pinned SDK model lacks
 * it); it is part of the records' dedup key, of their CloudTrail receipt key, and selects the
 * license's entitlements.
 */
public record CustomerId(
    String customerIdentifier, String customerAwsAccountId, String licenseArn) {

  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  public CustomerId {
    boolean hasLegacy = customerIdentifier != null && !customerIdentifier.isBlank();
    boolean hasAccount = customerAwsAccountId != null && !customerAwsAccountId.isBlank();
    if (hasLegacy == hasAccount) {
      throw new IllegalArgumentException(
          "customer: exactly one of customerIdentifier or customerAwsAccountId is required");
    }
    if (hasAccount && !ACCOUNT_ID.matcher(customerAwsAccountId).matches()) {
      throw new IllegalArgumentException(
          "customer: customerAwsAccountId must be 12 digits, got '" + customerAwsAccountId + "'");
    }
    if (hasLegacy && customerIdentifier.length() > 255) {
      throw new IllegalArgumentException(
          "customer: customerIdentifier is longer than 255 characters");
    }
  }

  /**
   * Picks the id type from its shape: 12 digits is an AWS account id, anything else a legacy
   * identifier.
   */
  public static CustomerId parse(String value) {
    Objects.requireNonNull(value, "customer");
    String trimmed = value.trim();
    return ACCOUNT_ID.matcher(trimmed).matches()
        ? new CustomerId(null, trimmed, null)
        : new CustomerId(trimmed, null, null);
  }

  public static CustomerId legacy(String customerIdentifier) {
    return new CustomerId(customerIdentifier, null, null);
  }

  public static CustomerId awsAccount(String accountId) {
    return new CustomerId(null, accountId, null);
  }

  /** The identifier value, whichever kind it is. */
  public String value() {
    return customerAwsAccountId != null && !customerAwsAccountId.isBlank()
        ? customerAwsAccountId
        : customerIdentifier;
  }

  public boolean hasAwsAccountId() {
    return customerAwsAccountId != null && !customerAwsAccountId.isBlank();
  }

  @Override
  public String toString() {
    return value();
  }
}
