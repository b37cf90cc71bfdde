package dev.hourmeter.workflows.model.checkpoint;

import java.time.Instant;

/**
 * A period that has ended but is not submitted yet (normally for a moment; for longer while
 * SUSPENDED or while the usage source or entitlement service is failing). {@code usageCollected}
 * says whether pulled usage was already gathered for it.
 */
public record BacklogPeriod(Instant periodStart, boolean usageCollected) {

  public BacklogPeriod collected() {
    return new BacklogPeriod(periodStart, true);
  }
}
