package dev.hourmeter.activities.usage;

import dev.hourmeter.workflows.model.Quantities;
import java.math.BigDecimal;

/** The usage of one dimension summed over a time range: its exact quantity and how many entries. */
public record DimensionTotal(BigDecimal quantity, int entries) {

  /** This total plus {@code more} from {@code moreEntries} entries (exact). */
  public DimensionTotal plus(BigDecimal more, int moreEntries) {
    return new DimensionTotal(Quantities.add(quantity, more), entries + moreEntries);
  }

  public DimensionTotal plus(DimensionTotal other) {
    return plus(other.quantity, other.entries);
  }
}
