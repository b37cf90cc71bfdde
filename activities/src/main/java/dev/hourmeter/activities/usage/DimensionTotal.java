package dev.hourmeter.activities.usage;

import dev.hourmeter.workflows.model.api.Quantities;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The usage of one dimension summed over a time range: its exact quantity, how many entries, and
 * the tagged parts of the quantity per tag set ({@code tagged}; empty when no entry had tags).
 * {@code overLimit}: entries refused as above the per-entry quantity limit, in neither the quantity
 * nor {@code entries}.
 */
public record DimensionTotal(
    BigDecimal quantity, int entries, Map<Map<String, String>, BigDecimal> tagged, int overLimit) {

  public DimensionTotal {
    tagged = tagged == null || tagged.isEmpty() ? Map.of() : tagged;
  }

  public DimensionTotal(
      BigDecimal quantity, int entries, Map<Map<String, String>, BigDecimal> tagged) {
    this(quantity, entries, tagged, 0);
  }

  public DimensionTotal(BigDecimal quantity, int entries) {
    this(quantity, entries, Map.of());
  }

  /** One entry refused as above the per-entry limit: counted, nothing summed. */
  public static DimensionTotal overLimitEntry() {
    return new DimensionTotal(BigDecimal.ZERO, 0, Map.of(), 1);
  }

  /** One observation's total (its tags, if any, as one tagged part). */
  public static DimensionTotal of(UsageObservation o) {
    if (o.tags().isEmpty()) {
      return new DimensionTotal(o.quantity(), 1);
    }
    TreeMap<Map<String, String>, BigDecimal> tagged = new TreeMap<>(TAG_SETS);
    tagged.put(o.tags(), o.quantity());
    return new DimensionTotal(o.quantity(), 1, tagged);
  }

  /** This total plus {@code more} untagged from {@code moreEntries} entries (exact). */
  public DimensionTotal plus(BigDecimal more, int moreEntries) {
    return new DimensionTotal(
        Quantities.add(quantity, more), entries + moreEntries, tagged, overLimit);
  }

  public DimensionTotal plus(DimensionTotal other) {
    if (other.tagged.isEmpty()) {
      return new DimensionTotal(
          Quantities.add(quantity, other.quantity),
          entries + other.entries,
          tagged,
          overLimit + other.overLimit);
    }
    TreeMap<Map<String, String>, BigDecimal> merged = new TreeMap<>(TAG_SETS);
    merged.putAll(tagged);
    other.tagged.forEach((tags, q) -> merged.merge(tags, q, Quantities::add));
    return new DimensionTotal(
        Quantities.add(quantity, other.quantity),
        entries + other.entries,
        merged,
        overLimit + other.overLimit);
  }

  /** Tag sets (sorted maps) in a fixed order: tag by tag, key then value. */
  static final Comparator<Map<String, String>> TAG_SETS =
      (a, b) -> {
        Iterator<Map.Entry<String, String>> l = a.entrySet().iterator();
        Iterator<Map.Entry<String, String>> r = b.entrySet().iterator();
        while (l.hasNext() && r.hasNext()) {
          Map.Entry<String, String> x = l.next();
          Map.Entry<String, String> y = r.next();
          int c = x.getKey().compareTo(y.getKey());
          if (c == 0) {
            c = x.getValue().compareTo(y.getValue());
          }
          if (c != 0) {
            return c;
          }
        }
        return Boolean.compare(l.hasNext(), r.hasNext());
      };
}
