package dev.hourmeter.workflows.model.checkpoint;

import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.UsageTags;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * Tagged usage waiting in the checkpoint: the part of a dimension's quantity in {@code periodStart}
 * (null for an over-maximum remainder) that carries {@code tags}. The period's total is in {@link
 * PeriodUsage}; what the tagged parts do not cover is untagged.
 */
public record TaggedUsage(
    Instant periodStart, String dimension, Map<String, String> tags, BigDecimal quantity) {

  public TaggedUsage {
    tags = UsageTags.canonical(tags);
    quantity = Quantities.canonical(quantity);
  }
}
