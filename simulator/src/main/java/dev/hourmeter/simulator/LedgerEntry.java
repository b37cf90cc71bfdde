package dev.hourmeter.simulator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One billed usage record: what AWS would charge. Entries appear in acceptance order.
 *
 * @param productCode the product; null only for a license that auto-subscribe mode accepted without
 *     knowing its product
 * @param timestamp the record's timestamp as sent (not floored to the period)
 * @param quantity the billed quantity's whole part (the whole quantity unless it was sent as a
 *     fractional {@code QuantityAsDecimal})
 * @param acceptedAt simulator-clock time at which it was accepted
 * @param licenseArn the record's LicenseArn (Concurrent Agreements), or null
 * @param quantityAsDecimal the billed quantity exactly, without trailing zeros
 * @param allocations the record's UsageAllocations as billed (empty when it had none)
 * @param identityOverlap the ledger already held a record of the same buyer (AWS account), product
 *     and hour under the other identity kind when this one was billed: one sent with ProductCode
 *     (CustomerIdentifier, or CustomerAWSAccountId without a license) and one with LicenseArn. AWS
 *     bills both (double billing, not a rejection): the simulator bills both too and flags the
 *     later one ({@code identityOverlaps} in {@code /_sim/ledger} counts them)
 */
public record LedgerEntry(
    String productCode,
    CustomerId customer,
    String dimension,
    Instant timestamp,
    long quantity,
    String meteringRecordId,
    Instant acceptedAt,
    String licenseArn,
    BigDecimal quantityAsDecimal,
    List<Allocation> allocations,
    boolean identityOverlap) {

  /** One UsageAllocation: its quantity (exact, without trailing zeros) and its tags (sorted). */
  public record Allocation(BigDecimal quantity, Map<String, String> tags) {
    public Allocation {
      quantity = normalized(quantity);
      tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }
  }

  public LedgerEntry {
    Objects.requireNonNull(quantityAsDecimal, "quantityAsDecimal");
    quantityAsDecimal = normalized(quantityAsDecimal);
    allocations = allocations == null ? List.of() : List.copyOf(allocations);
  }

  static LedgerEntry of(
      String productCode,
      CustomerId customer,
      String licenseArn,
      String dimension,
      Instant timestamp,
      BigDecimal quantity,
      String meteringRecordId,
      Instant acceptedAt,
      List<Allocation> allocations,
      boolean identityOverlap) {
    return new LedgerEntry(
        productCode,
        customer,
        dimension,
        timestamp,
        quantity.setScale(0, RoundingMode.DOWN).longValueExact(),
        meteringRecordId,
        acceptedAt,
        licenseArn,
        quantity,
        allocations,
        identityOverlap);
  }

  private static BigDecimal normalized(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }
}
