package dev.hourmeter.activities.usage;

/** The usage of one dimension summed over a time range: its quantity and how many entries. */
public record DimensionTotal(long quantity, int entries) {

  /**
   * This total plus one entry of {@code more}; the quantity saturates at {@code Long.MAX_VALUE}.
   */
  public DimensionTotal plus(long more, int moreEntries) {
    long sum = quantity + more;
    long saturated = ((quantity ^ sum) & (more ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    return new DimensionTotal(saturated, entries + moreEntries);
  }

  public DimensionTotal plus(DimensionTotal other) {
    return plus(other.quantity, other.entries);
  }
}
