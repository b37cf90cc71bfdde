package dev.hourmeter.workflows.model.activity;

import java.time.Instant;
import java.util.List;

/**
 * One {@link ReceiptCheck} per requested record, in request order; {@code indexedThrough} is how
 * recent the index is.
 */
public record ReceiptCheckResult(List<ReceiptCheck> checks, Instant indexedThrough) {

  public ReceiptCheckResult {
    checks = List.copyOf(checks);
  }
}
