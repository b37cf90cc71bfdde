package dev.hourmeter.workflows.model;

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
    String omitted) {}
