package dev.hourmeter.activities.usage;

import java.time.Instant;
import java.util.Objects;

/** The instants {@code from <= t < to}. */
public record TimeRange(Instant from, Instant to) {

  public TimeRange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }

  public boolean contains(Instant t) {
    return !t.isBefore(from) && t.isBefore(to);
  }
}
