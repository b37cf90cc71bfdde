package dev.hourmeter.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a customer workflow carries across continue-as-new: nothing pending or remembered is
 * lost. Every list is bounded (see {@link MeteringTuning}), so the payload stays far below
 * Temporal's limits. {@code entitlements} is the last entitlement check still fit for reuse, or
 * null. {@code fileTotals}: the pulled totals taken for the last collected periods, to bill what a
 * source adds to them later. Quantities are exact {@link BigDecimal}s, whole ones written as JSON
 * integers. {@code identityChanges}: the customer's migrations. {@code taggedPending} and {@code
 * taggedOverflow}: the tagged parts of {@code pending} and {@code overflow}. The last three are
 * left out of the JSON while empty and read as empty when absent.
 */
public record MeteringCheckpoint(
    MeteringState state,
    String stateReason,
    Instant nextPeriodToClose,
    Instant sealedThrough,
    List<BacklogPeriod> backlog,
    List<PeriodUsage> pending,
    Map<String, BigDecimal> overflow,
    List<RememberedReport> rememberedReports,
    List<RejectedReport> rejectedReports,
    List<CarriedUsage> carried,
    List<SubmittedRecord> recentRecords,
    List<VerificationTask> verifications,
    MeteringCounters counters,
    EntitlementSnapshot entitlements,
    List<PeriodUsage> fileTotals,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IdentityChange> identityChanges,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TaggedUsage> taggedPending,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TaggedUsage> taggedOverflow) {

  public MeteringCheckpoint {
    backlog = copy(backlog);
    pending = copy(pending);
    overflow = Quantities.copy(overflow);
    rememberedReports = copy(rememberedReports);
    rejectedReports = copy(rejectedReports);
    carried = copy(carried);
    recentRecords = copy(recentRecords);
    verifications = copy(verifications);
    counters = counters == null ? MeteringCounters.ZERO : counters;
    fileTotals = copy(fileTotals);
    identityChanges = copy(identityChanges);
    taggedPending = copy(taggedPending);
    taggedOverflow = copy(taggedOverflow);
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
