package dev.hourmeter.workflows.model.api;

import java.time.Instant;
import java.util.List;

/**
 * What the {@code reportUsageBatch} update answers for one report of the batch, in the batch's
 * order. {@code ACCEPTED}: its usage was added ({@code periods}, {@code carried} as in {@link
 * UsageReceipt}); {@code DUPLICATE}: its id was seen before with the same usage, nothing was added;
 * {@code REFUSED}: nothing was added, {@code refusal} is its kind ({@code invalid}, {@code
 * conflict}, {@code memory_full}: the tag of the refusal metric), {@code reason} names the field,
 * and {@code retryable} says whether sending the same report again can succeed (only while the
 * dedup memory is full).
 */
public record UsageBatchReceipt(
    String reportId,
    Status status,
    String refusal,
    String reason,
    boolean retryable,
    List<Instant> periods,
    boolean carried) {

  /** The three outcomes of a report. */
  public enum Status {
    ACCEPTED,
    DUPLICATE,
    REFUSED
  }

  public UsageBatchReceipt {
    periods = periods == null ? List.of() : List.copyOf(periods);
  }

  public static UsageBatchReceipt of(UsageReceipt receipt) {
    return new UsageBatchReceipt(
        receipt.reportId(),
        receipt.duplicate() ? Status.DUPLICATE : Status.ACCEPTED,
        null,
        null,
        false,
        receipt.periods(),
        receipt.carried());
  }

  public static UsageBatchReceipt refused(
      String reportId, String refusal, String reason, boolean retryable) {
    return new UsageBatchReceipt(
        reportId, Status.REFUSED, refusal, reason, retryable, List.of(), false);
  }
}
