package dev.hourmeter.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What AWS bills: one entry per product + customer + dimension + period. The first record for a key
 * wins; an identical resend returns the same MeteringRecordId; a different quantity is a
 * DuplicateRecord and the first quantity stays billed. Thread-safe.
 */
final class MeteringLedger {

  static final String SUCCESS = "Success";
  static final String DUPLICATE_RECORD = "DuplicateRecord";
  static final String CUSTOMER_NOT_SUBSCRIBED = "CustomerNotSubscribed";

  record Outcome(String status, String meteringRecordId) {}

  private record Key(
      String productCode, CustomerId customer, String dimension, Instant periodStart) {}

  private final Map<Key, LedgerEntry> byKey = new HashMap<>();
  private final List<LedgerEntry> entries = new ArrayList<>();

  synchronized Outcome meter(
      String productCode,
      CustomerId customer,
      String dimension,
      Instant periodStart,
      Instant timestamp,
      long quantity,
      Instant now) {
    Key key = new Key(productCode, customer, dimension, periodStart);
    LedgerEntry existing = byKey.get(key);
    if (existing != null) {
      String status = existing.quantity() == quantity ? SUCCESS : DUPLICATE_RECORD;
      return new Outcome(status, existing.meteringRecordId());
    }
    LedgerEntry entry =
        new LedgerEntry(
            productCode,
            customer,
            dimension,
            timestamp,
            quantity,
            UUID.randomUUID().toString(),
            now);
    byKey.put(key, entry);
    entries.add(entry);
    return new Outcome(SUCCESS, entry.meteringRecordId());
  }

  synchronized List<LedgerEntry> entries() {
    return List.copyOf(entries);
  }

  synchronized void clear() {
    byKey.clear();
    entries.clear();
  }
}
