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
 */
final class MeteringLedger {

  static final String SUCCESS = "Success";
  static final String DUPLICATE_RECORD = "DuplicateRecord";
  static final String CUSTOMER_NOT_SUBSCRIBED = "CustomerNotSubscribed";

  record Outcome(String status, String meteringRecordId) {}

  /** What one accepted record is billed under. */
  record Billing(String productCode, CustomerId customer, String licenseArn, String dimension) {}

  private record Key(
      String productCode,
      CustomerId customer,
      String licenseArn,
      String dimension,
      Instant periodStart) {}

  private final Map<Key, LedgerEntry> byKey = new HashMap<>();
  private final List<LedgerEntry> entries = new ArrayList<>();
  private long deprecatedQuantityRecords;

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
            allocations);
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

  synchronized List<LedgerEntry> entries() {
    return List.copyOf(entries);
  }

  synchronized void clear() {
    byKey.clear();
    entries.clear();
    deprecatedQuantityRecords = 0;
  }
}
