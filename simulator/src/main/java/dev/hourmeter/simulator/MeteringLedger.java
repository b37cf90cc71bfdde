package dev.hourmeter.simulator;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What AWS bills: one entry per product + customer + dimension + period, or, for Concurrent
 * Agreements records, per account + license + dimension + period. The first record for a key wins;
 * a resend of the same quantity (compared by value: 17, 17.0 and 17.00 are one quantity) returns
 * the same MeteringRecordId; another quantity is a DuplicateRecord and the first quantity stays
 * billed. Thread-safe.
 *
 * <p>A record of a buyer is billed whether it carries ProductCode (a legacy identity:
 * CustomerIdentifier, or CustomerAWSAccountId without a license) or LicenseArn, as AWS does; when
 * the same buyer (AWS account, the CustomerIdentifier resolved through its agreement), product and
 * hour already has a billed record under the other kind, the new entry is flagged {@link
 * LedgerEntry#identityOverlap()} and counted ({@link #identityOverlaps()}): AWS bills such records
 * twice (its BatchMeterUsage documentation, late 2026).
 */
final class MeteringLedger {

  static final String SUCCESS = "Success";
  static final String DUPLICATE_RECORD = "DuplicateRecord";
  static final String CUSTOMER_NOT_SUBSCRIBED = "CustomerNotSubscribed";

  record Outcome(String status, String meteringRecordId) {}

  /**
   * What one accepted record is billed under.
   *
   * @param buyer who is billed, whatever the identity: the AWS account, or the record's own
   *     customer when a CustomerIdentifier resolves to no known account
   */
  record Billing(
      String productCode,
      CustomerId customer,
      String licenseArn,
      String dimension,
      CustomerId buyer) {

    Billing(String productCode, CustomerId customer, String licenseArn, String dimension) {
      this(productCode, customer, licenseArn, dimension, customer);
    }
  }

  /** A buyer's hour of a product, whatever the identity and dimension. */
  private record BuyerHour(String productCode, CustomerId buyer, Instant periodStart) {}

  /** The identity kinds a buyer's hour was billed under so far. */
  private record Kinds(boolean legacy, boolean licensed) {

    Kinds with(boolean isLicensed) {
      return new Kinds(legacy || !isLicensed, licensed || isLicensed);
    }

    boolean hasOther(boolean isLicensed) {
      return isLicensed ? legacy : licensed;
    }
  }

  private record Key(
      String productCode,
      CustomerId customer,
      String licenseArn,
      String dimension,
      Instant periodStart) {}

  private final Map<Key, LedgerEntry> byKey = new HashMap<>();
  private final List<LedgerEntry> entries = new ArrayList<>();
  private final Map<BuyerHour, Kinds> kindsByHour = new HashMap<>();
  private long deprecatedQuantityRecords;
  private long identityOverlaps;

  synchronized Outcome meter(
      Billing billing,
      Instant periodStart,
      Instant timestamp,
      BigDecimal quantity,
      List<LedgerEntry.Allocation> allocations,
      Instant now) {
    Key key =
        new Key(
            billing.licenseArn() == null ? billing.productCode() : null,
            billing.customer(),
            billing.licenseArn(),
            billing.dimension(),
            periodStart);
    LedgerEntry existing = byKey.get(key);
    if (existing != null) {
      String status =
          existing.quantityAsDecimal().compareTo(quantity) == 0 ? SUCCESS : DUPLICATE_RECORD;
      return new Outcome(status, existing.meteringRecordId());
    }
    boolean licensed = billing.licenseArn() != null;
    BuyerHour hour = new BuyerHour(billing.productCode(), billing.buyer(), periodStart);
    Kinds kinds = kindsByHour.getOrDefault(hour, new Kinds(false, false));
    boolean overlap = kinds.hasOther(licensed);
    kindsByHour.put(hour, kinds.with(licensed));
    if (overlap) {
      identityOverlaps++;
    }
    LedgerEntry entry =
        LedgerEntry.of(
            billing.productCode(),
            billing.customer(),
            billing.licenseArn(),
            billing.dimension(),
            timestamp,
            quantity,
            UUID.randomUUID().toString(),
            now,
            allocations,
            overlap);
    byKey.put(key, entry);
    entries.add(entry);
    return new Outcome(SUCCESS, entry.meteringRecordId());
  }

  /**
   * Counts {@code records} received with a deprecated quantity field ({@link
   * UsageRecordInput#usesDeprecatedQuantity()}); returns the total so far.
   */
  synchronized long noteDeprecatedQuantity(long records) {
    deprecatedQuantityRecords += records;
    return deprecatedQuantityRecords;
  }

  /** Records received with a deprecated quantity field since start or the last clear. */
  synchronized long deprecatedQuantityRecords() {
    return deprecatedQuantityRecords;
  }

  /**
   * Entries billed while the same buyer, product and hour already had one under the other identity
   * kind (each flagged {@link LedgerEntry#identityOverlap()}), since start or the last clear.
   */
  synchronized long identityOverlaps() {
    return identityOverlaps;
  }

  synchronized List<LedgerEntry> entries() {
    return List.copyOf(entries);
  }

  synchronized void clear() {
    byKey.clear();
    entries.clear();
    kindsByHour.clear();
    deprecatedQuantityRecords = 0;
    identityOverlaps = 0;
  }
}
