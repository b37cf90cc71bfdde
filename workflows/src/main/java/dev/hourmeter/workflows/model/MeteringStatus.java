package dev.hourmeter.workflows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param omitted what was left out of this answer to keep it under its size budget (oldest rejected
 *     reports, recent records, carried notes), or null when nothing was
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
    String omitted,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<IdentityChange> identityChanges) {

  public MeteringStatus {
    identityChanges = identityChanges == null ? List.of() : List.copyOf(identityChanges);
  }

  /**
   * The identity records carry now: the last migration's, else the one the workflow started with.
   */
  public String currentLicenseArn() {
    return identityChanges.isEmpty() ? null : identityChanges.getLast().to().licenseArn();
  }
}
