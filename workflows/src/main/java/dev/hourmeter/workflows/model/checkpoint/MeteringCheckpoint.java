package dev.hourmeter.workflows.model.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.api.MeteringCounters;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.RejectedReport;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
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
 * left out of the JSON while empty and read as empty when absent. {@code succession}: the
 * customer's agreement chain (renewals, replacements), absent (null) while it has none.
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
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TaggedUsage> taggedOverflow,
    @JsonInclude(JsonInclude.Include.NON_NULL) SuccessionCheckpoint succession) {

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

  /** A checkpoint built by field name. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link MeteringCheckpoint} field by field, by name; an unset field is null (or 0). */
  public static final class Builder {

    private MeteringState state;
    private String stateReason;
    private Instant nextPeriodToClose;
    private Instant sealedThrough;
    private List<BacklogPeriod> backlog;
    private List<PeriodUsage> pending;
    private Map<String, BigDecimal> overflow;
    private List<RememberedReport> rememberedReports;
    private List<RejectedReport> rejectedReports;
    private List<CarriedUsage> carried;
    private List<SubmittedRecord> recentRecords;
    private List<VerificationTask> verifications;
    private MeteringCounters counters;
    private EntitlementSnapshot entitlements;
    private List<PeriodUsage> fileTotals;
    private List<IdentityChange> identityChanges;
    private List<TaggedUsage> taggedPending;
    private List<TaggedUsage> taggedOverflow;
    private SuccessionCheckpoint succession;

    private Builder() {}

    public Builder state(MeteringState value) {
      state = value;
      return this;
    }

    public Builder stateReason(String value) {
      stateReason = value;
      return this;
    }

    public Builder nextPeriodToClose(Instant value) {
      nextPeriodToClose = value;
      return this;
    }

    public Builder sealedThrough(Instant value) {
      sealedThrough = value;
      return this;
    }

    public Builder backlog(List<BacklogPeriod> value) {
      backlog = value;
      return this;
    }

    public Builder pending(List<PeriodUsage> value) {
      pending = value;
      return this;
    }

    public Builder overflow(Map<String, BigDecimal> value) {
      overflow = value;
      return this;
    }

    public Builder rememberedReports(List<RememberedReport> value) {
      rememberedReports = value;
      return this;
    }

    public Builder rejectedReports(List<RejectedReport> value) {
      rejectedReports = value;
      return this;
    }

    public Builder carried(List<CarriedUsage> value) {
      carried = value;
      return this;
    }

    public Builder recentRecords(List<SubmittedRecord> value) {
      recentRecords = value;
      return this;
    }

    public Builder verifications(List<VerificationTask> value) {
      verifications = value;
      return this;
    }

    public Builder counters(MeteringCounters value) {
      counters = value;
      return this;
    }

    public Builder entitlements(EntitlementSnapshot value) {
      entitlements = value;
      return this;
    }

    public Builder fileTotals(List<PeriodUsage> value) {
      fileTotals = value;
      return this;
    }

    public Builder identityChanges(List<IdentityChange> value) {
      identityChanges = value;
      return this;
    }

    public Builder taggedPending(List<TaggedUsage> value) {
      taggedPending = value;
      return this;
    }

    public Builder taggedOverflow(List<TaggedUsage> value) {
      taggedOverflow = value;
      return this;
    }

    public Builder succession(SuccessionCheckpoint value) {
      succession = value;
      return this;
    }

    public MeteringCheckpoint build() {
      return new MeteringCheckpoint(
          state,
          stateReason,
          nextPeriodToClose,
          sealedThrough,
          backlog,
          pending,
          overflow,
          rememberedReports,
          rejectedReports,
          carried,
          recentRecords,
          verifications,
          counters,
          entitlements,
          fileTotals,
          identityChanges,
          taggedPending,
          taggedOverflow,
          succession);
    }
  }
}
