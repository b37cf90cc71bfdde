package dev.hourmeter.workflows;

import dev.hourmeter.workflows.activities.AgreementSuccessionActivities;
import dev.hourmeter.workflows.activities.EntitlementActivities;
import dev.hourmeter.workflows.activities.MeteringSubmissionActivities;
import dev.hourmeter.workflows.activities.ReceiptVerificationActivities;
import dev.hourmeter.workflows.activities.UsageCollectionActivities;
import dev.hourmeter.workflows.model.activity.CollectedUsage;
import dev.hourmeter.workflows.model.activity.EntitlementRequest;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.PredecessorLicense;
import dev.hourmeter.workflows.model.activity.ReceiptCheckRequest;
import dev.hourmeter.workflows.model.activity.ReceiptCheckResult;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.activity.SubmissionRequest;
import dev.hourmeter.workflows.model.activity.SuccessorQuery;
import dev.hourmeter.workflows.model.activity.UsageQuery;
import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.AgreementLink;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Every activity call of the customer workflow, with its options ({@link MeteringOptions}) and the
 * summary the Web UI shows. Local activities (usage, entitlements, receipts) throw {@link
 * ActivityFailure} when they give up; the submission never does (see {@link #submit}).
 */
final class MeteringActivityStubs {

  private static final Logger log = Workflow.getLogger(MeteringActivityStubs.class);

  private final MeteringSubscription subscription;

  /** The identity entitlements are checked for: the current one, which a migration changes. */
  private final Supplier<CustomerId> currentCustomer;

  /** Licenses this customer took over, whose pulled usage from the hand-over on is its own. */
  private final Supplier<List<PredecessorLicense>> predecessors;

  MeteringActivityStubs(
      MeteringSubscription subscription,
      Supplier<CustomerId> currentCustomer,
      Supplier<List<PredecessorLicense>> predecessors) {
    this.subscription = subscription;
    this.currentCustomer = currentCustomer;
    this.predecessors = predecessors;
  }

  /**
   * Pulls usage observed (for the identity the workflow started with: a migration changes what AWS
   * is sent, not how the seller's usage source names the customer) in {@code [from, to)} from the
   * worker's usage source; with {@code lookbackFrom}, also the totals the source shows now for each
   * earlier period from there.
   */
  CollectedUsage collectUsage(Instant from, Instant to, Instant lookbackFrom) {
    UsageCollectionActivities activities =
        Workflow.newLocalActivityStub(
            UsageCollectionActivities.class,
            MeteringOptions.collectUsage(subscription.period(), "collect usage for " + from));
    return activities.collectUsage(
        new UsageQuery(
            subscription.productCode(),
            subscription.customer(),
            subscription.dimensions(),
            from,
            to,
            lookbackFrom,
            lookbackFrom == null ? null : subscription.period(),
            predecessors.get()));
  }

  /**
   * Starts looking for the license that took over this one (retried until {@code waitUntil});
   * completes with it, or fails when none appeared in time.
   */
  Promise<AgreementLink> findSuccessor(AgreementEnd ended, String workflowId, Instant waitUntil) {
    Duration left = Duration.between(WorkflowTime.now(), waitUntil);
    AgreementSuccessionActivities activities =
        Workflow.newActivityStub(
            AgreementSuccessionActivities.class,
            MeteringOptions.findSuccessor(
                left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left,
                "find the agreement that took over " + ended.agreementId()));
    CustomerId customer = currentCustomer.get();
    return Async.function(
        activities::findSuccessor,
        new SuccessorQuery(
            subscription.productCode(),
            customer.customerAwsAccountId(),
            customer.licenseArn(),
            workflowId,
            ended.endedAt()));
  }

  EntitlementSnapshot checkEntitlements() {
    CustomerId customer = currentCustomer.get();
    EntitlementActivities activities =
        Workflow.newLocalActivityStub(
            EntitlementActivities.class,
            MeteringOptions.checkEntitlements(
                subscription.period(), "check entitlements of " + customer));
    return activities.checkEntitlements(
        new EntitlementRequest(subscription.productCode(), customer, subscription.dimensions()));
  }

  /**
   * Sends records with BatchMeterUsage, retried until {@code untilWindowCloses}. Records AWS never
   * confirmed in that time come back UNCONFIRMED with the reason.
   */
  List<RecordResult> submit(
      List<MeteringRecord> records, Duration untilWindowCloses, Instant periodStart) {
    return submit(
        records,
        untilWindowCloses,
        periodStart,
        (failure, detail) ->
            records.stream().map(r -> RecordResult.unconfirmed(r, detail)).toList());
  }

  /**
   * Like {@link #submit}, but when AWS never confirmed some records before the window closed, tells
   * why from the last attempt's {@code SubmissionOutcome}: records every attempt of which AWS
   * certainly refused come back {@code NOT_ACCEPTED}; the others (some attempt's fate unknown, or
   * no outcome readable, e.g. a worker lost mid-call) {@code FATE_UNKNOWN}.
   */
  List<RecordResult> submitUntilWindowCloses(
      List<MeteringRecord> records, Duration untilWindowCloses, Instant periodStart) {
    return submit(
        records,
        untilWindowCloses,
        periodStart,
        (failure, detail) -> SubmissionOutcomes.resultsOf(records, failure, detail));
  }

  private List<RecordResult> submit(
      List<MeteringRecord> records,
      Duration untilWindowCloses,
      Instant periodStart,
      BiFunction<ActivityFailure, String, List<RecordResult>> neverConfirmed) {
    String summary = "submit " + records.size() + " records for " + periodStart;
    MeteringSubmissionActivities activities =
        Workflow.newActivityStub(
            MeteringSubmissionActivities.class,
            MeteringOptions.submitRecords(subscription.period(), untilWindowCloses, summary));
    try {
      return activities
          .submitUsageRecords(new SubmissionRequest(subscription.productCode(), records))
          .results();
    } catch (ActivityFailure e) {
      String detail = "not confirmed before the timestamp window closed: " + rootMessage(e);
      log.error("records for {} were never confirmed by AWS: {}", periodStart, detail);
      return neverConfirmed.apply(e, detail);
    }
  }

  /** Looks up the records of {@code periods} period(s) in CloudTrail, in one call. */
  ReceiptCheckResult verifyReceipts(List<SentRecord> records, int periods) {
    ReceiptVerificationActivities activities =
        Workflow.newLocalActivityStub(
            ReceiptVerificationActivities.class,
            MeteringOptions.verifyReceipts(
                subscription.period(),
                "verify "
                    + records.size()
                    + " records of "
                    + periods
                    + " period(s) in CloudTrail"));
    return activities.verifyReceipts(new ReceiptCheckRequest(subscription.productCode(), records));
  }

  /** The innermost cause's message: what actually went wrong, without Temporal's wrappers. */
  static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
