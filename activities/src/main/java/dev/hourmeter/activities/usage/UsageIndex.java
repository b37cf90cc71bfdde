package dev.hourmeter.activities.usage;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Usage sums per (product, customer, dimension, timestamp second): what a usage file says, read
 * once. Its memory grows with the distinct keys, not with the lines. Not thread-safe: the owner
 * serializes calls.
 */
final class UsageIndex {

  private final Map<String, TreeMap<Long, Map<String, DimensionTotal>>> byCustomer =
      new HashMap<>();
  private long keys;

  void add(UsageObservation o) {
    add(o, DimensionTotal.of(o));
  }

  /** Counts an entry refused as above the per-entry limit, so its customer's query sees it. */
  void addOverLimit(UsageObservation o) {
    add(o, DimensionTotal.overLimitEntry());
  }

  private void add(UsageObservation o, DimensionTotal total) {
    Map<String, DimensionTotal> atSecond =
        byCustomer
            .computeIfAbsent(
                key(o.productCode(), o.customer(), o.licenseArn()), k -> new TreeMap<>())
            .computeIfAbsent(o.timestamp().getEpochSecond(), s -> new HashMap<>(2));
    DimensionTotal before = atSecond.get(o.dimension());
    if (before == null) {
      keys++;
      atSecond.put(o.dimension(), total);
    } else {
      atSecond.put(o.dimension(), before.plus(total));
    }
  }

  /**
   * The sums per dimension of the entries in {@code range}, at one-second resolution (an entry at
   * 10:00:00.5 counts as 10:00:00; range ends are rounded up to the second).
   */
  Map<String, DimensionTotal> totals(
      String productCode, String customer, String licenseArn, TimeRange range) {
    Map<String, DimensionTotal> sums = new TreeMap<>();
    TreeMap<Long, Map<String, DimensionTotal>> seconds =
        byCustomer.get(key(productCode, customer, licenseArn));
    if (seconds == null) {
      return sums;
    }
    NavigableMap<Long, Map<String, DimensionTotal>> inRange =
        seconds.subMap(ceilSecond(range.from()), true, ceilSecond(range.to()), false);
    inRange.values().forEach(m -> m.forEach((d, t) -> sums.merge(d, t, DimensionTotal::plus)));
    return sums;
  }

  /** Forgets every entry stamped before {@code second}; returns how many keys went. */
  long evictBefore(long second) {
    long removed = 0;
    Iterator<TreeMap<Long, Map<String, DimensionTotal>>> customers = byCustomer.values().iterator();
    while (customers.hasNext()) {
      TreeMap<Long, Map<String, DimensionTotal>> seconds = customers.next();
      NavigableMap<Long, Map<String, DimensionTotal>> old = seconds.headMap(second, false);
      for (Map<String, DimensionTotal> m : old.values()) {
        removed += m.size();
      }
      old.clear();
      if (seconds.isEmpty()) {
        customers.remove();
      }
    }
    keys -= removed;
    return removed;
  }

  /** The (product, customer, dimension, second) keys held. */
  long keys() {
    return keys;
  }

  static long ceilSecond(Instant t) {
    return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
  }

  /** A licensed entry is usage of that license only; an unlicensed one of the customer only. */
  private static String key(String productCode, String customer, String licenseArn) {
    return productCode + '\u0000' + customer + (licenseArn == null ? "" : '\u0000' + licenseArn);
  }
}
