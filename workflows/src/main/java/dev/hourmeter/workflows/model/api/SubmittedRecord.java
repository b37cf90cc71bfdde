package dev.hourmeter.workflows.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * One submitted record as {@code status} shows it; {@code quantity} is the record's exact usage (a
 * whole quantity is written to JSON as the integer it always was). {@code allocations} (optional,
 * added for usage allocations; not written when empty): the record's allocations, the largest
 * {@value #ALLOCATIONS_SHOWN} when it has more, with {@code allocationCount} (null when there are
 * none) saying how many it has, {@code foldedTagSets} (null when none) how many tag sets were
 * folded into its untagged allocation.
 */
public record SubmittedRecord(
    Instant periodStart,
    String dimension,
    BigDecimal quantity,
    RecordStatus status,
    String meteringRecordId,
    String detail,
    ReceiptStatus receipt,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<UsageAllocation> allocations,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer allocationCount,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer foldedTagSets) {

  /** At most this many allocations are kept per record (the checkpoint and status stay small). */
  public static final int ALLOCATIONS_SHOWN = 100;

  public SubmittedRecord {
    quantity = Quantities.canonical(quantity);
    allocations = allocations == null ? List.of() : List.copyOf(allocations);
  }

  /** Accepted records start PENDING verification; others are never verified (null). */
  public static SubmittedRecord of(RecordResult result) {
    MeteringRecord record = result.record();
    return new SubmittedRecord(
        record.timestamp(),
        record.dimension(),
        record.exactQuantity(),
        result.status(),
        result.meteringRecordId(),
        result.detail(),
        result.status().accepted() ? ReceiptStatus.PENDING : null,
        shown(record.usageAllocations()),
        record.usageAllocations().isEmpty() ? null : record.usageAllocations().size(),
        record.foldedTagSets());
  }

  public SubmittedRecord withReceipt(ReceiptStatus newReceipt) {
    return new SubmittedRecord(
        periodStart,
        dimension,
        quantity,
        status,
        meteringRecordId,
        detail,
        newReceipt,
        allocations,
        allocationCount,
        foldedTagSets);
  }

  /** The largest {@link #ALLOCATIONS_SHOWN} allocations, in the record's order. */
  private static List<UsageAllocation> shown(List<UsageAllocation> allocations) {
    if (allocations.size() <= ALLOCATIONS_SHOWN) {
      return allocations;
    }
    List<UsageAllocation> largest =
        allocations.stream()
            .sorted(Comparator.comparing(UsageAllocation::quantity).reversed())
            .limit(ALLOCATIONS_SHOWN)
            .toList();
    return allocations.stream().filter(largest::contains).limit(ALLOCATIONS_SHOWN).toList();
  }
}
