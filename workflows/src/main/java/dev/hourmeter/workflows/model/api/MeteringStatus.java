package dev.hourmeter.workflows.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.hourmeter.workflows.model.checkpoint.BacklogPeriod;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.model.checkpoint.IdentityChange;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import dev.hourmeter.workflows.model.checkpoint.VerificationTask;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The {@code status} query's answer: what an operator needs to see about one customer.
 *
 * @param openPeriodStart the period currently accumulating usage
 * @param openPeriodUsage its pending quantities per dimension
 * @param unsubmitted other periods holding usage that is not submitted yet (closed backlog, or
 *     future)
 * @param carried recent usage moved to a later period (late, over the maximum, out of window)
 * @param rejectedReports recent pushed reports that were refused, with the reason
 * @param recentRecords records of the most recent submitted periods with AWS's answer
 * @param verifications accepted records still waiting for CloudTrail, per period
 * @param unverifiedRecords recent records CloudTrail never showed and that can no longer be re-sent
 * @param nextCloseAt when the workflow next wakes to close a period
 * @param closeOffset how long after its end plus grace each period closes: the customer's stable
 *     offset in its close spread; absent for a run that started before the spread (it closes at the
 *     end plus grace)
 * @param omitted what was left out of this answer to keep it under its size budget (oldest rejected
 *     reports, recent records, carried notes), or null when nothing was
 * @param agreement the customer's agreement chain (predecessor, successor, hand-over), absent while
 *     it has none
 * @param identityChanges the customer's migrations to another identity, oldest first (empty, and
 *     left out of the JSON, when never migrated)
 */
public record MeteringStatus(
    String workflowId,
    String productCode,
    String customer,
    PricingModel pricingModel,
    Duration period,
    List<String> dimensions,
    MeteringState state,
    String stateReason,
    Instant openPeriodStart,
    Map<String, BigDecimal> openPeriodUsage,
    List<PeriodUsage> unsubmitted,
    List<BacklogPeriod> backlog,
    List<CarriedUsage> carried,
    List<RejectedReport> rejectedReports,
    List<SubmittedRecord> recentRecords,
    List<VerificationTask> verifications,
    List<SubmittedRecord> unverifiedRecords,
    int rememberedReportIds,
    MeteringCounters counters,
    Instant nextCloseAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) Duration closeOffset,
    String omitted,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IdentityChange> identityChanges,
    @JsonInclude(JsonInclude.Include.NON_NULL) AgreementChain agreement) {

  public MeteringStatus {
    identityChanges = identityChanges == null ? List.of() : List.copyOf(identityChanges);
  }

  /**
   * The identity records carry now: the last migration's, else the one the workflow started with.
   */
  public String currentLicenseArn() {
    return identityChanges.isEmpty() ? null : identityChanges.getLast().to().licenseArn();
  }

  /** A status answer built by field name. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link MeteringStatus} field by field, by name; an unset field is null (or 0). */
  public static final class Builder {

    private String workflowId;
    private String productCode;
    private String customer;
    private PricingModel pricingModel;
    private Duration period;
    private List<String> dimensions;
    private MeteringState state;
    private String stateReason;
    private Instant openPeriodStart;
    private Map<String, BigDecimal> openPeriodUsage;
    private List<PeriodUsage> unsubmitted;
    private List<BacklogPeriod> backlog;
    private List<CarriedUsage> carried;
    private List<RejectedReport> rejectedReports;
    private List<SubmittedRecord> recentRecords;
    private List<VerificationTask> verifications;
    private List<SubmittedRecord> unverifiedRecords;
    private int rememberedReportIds;
    private MeteringCounters counters;
    private Instant nextCloseAt;
    private Duration closeOffset;
    private String omitted;
    private List<IdentityChange> identityChanges;
    private AgreementChain agreement;

    private Builder() {}

    public Builder workflowId(String value) {
      workflowId = value;
      return this;
    }

    public Builder productCode(String value) {
      productCode = value;
      return this;
    }

    public Builder customer(String value) {
      customer = value;
      return this;
    }

    public Builder pricingModel(PricingModel value) {
      pricingModel = value;
      return this;
    }

    public Builder period(Duration value) {
      period = value;
      return this;
    }

    public Builder dimensions(List<String> value) {
      dimensions = value;
      return this;
    }

    public Builder state(MeteringState value) {
      state = value;
      return this;
    }

    public Builder stateReason(String value) {
      stateReason = value;
      return this;
    }

    public Builder openPeriodStart(Instant value) {
      openPeriodStart = value;
      return this;
    }

    public Builder openPeriodUsage(Map<String, BigDecimal> value) {
      openPeriodUsage = value;
      return this;
    }

    public Builder unsubmitted(List<PeriodUsage> value) {
      unsubmitted = value;
      return this;
    }

    public Builder backlog(List<BacklogPeriod> value) {
      backlog = value;
      return this;
    }

    public Builder carried(List<CarriedUsage> value) {
      carried = value;
      return this;
    }

    public Builder rejectedReports(List<RejectedReport> value) {
      rejectedReports = value;
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

    public Builder unverifiedRecords(List<SubmittedRecord> value) {
      unverifiedRecords = value;
      return this;
    }

    public Builder rememberedReportIds(int value) {
      rememberedReportIds = value;
      return this;
    }

    public Builder counters(MeteringCounters value) {
      counters = value;
      return this;
    }

    public Builder nextCloseAt(Instant value) {
      nextCloseAt = value;
      return this;
    }

    public Builder closeOffset(Duration value) {
      closeOffset = value;
      return this;
    }

    public Builder omitted(String value) {
      omitted = value;
      return this;
    }

    public Builder identityChanges(List<IdentityChange> value) {
      identityChanges = value;
      return this;
    }

    public Builder agreement(AgreementChain value) {
      agreement = value;
      return this;
    }

    public MeteringStatus build() {
      return new MeteringStatus(
          workflowId,
          productCode,
          customer,
          pricingModel,
          period,
          dimensions,
          state,
          stateReason,
          openPeriodStart,
          openPeriodUsage,
          unsubmitted,
          backlog,
          carried,
          rejectedReports,
          recentRecords,
          verifications,
          unverifiedRecords,
          rememberedReportIds,
          counters,
          nextCloseAt,
          closeOffset,
          omitted,
          identityChanges,
          agreement);
    }
  }
}
