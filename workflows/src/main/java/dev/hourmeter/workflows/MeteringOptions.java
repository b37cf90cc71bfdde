package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.MeteringState;
import dev.hourmeter.workflows.model.MeteringSubscription;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import java.time.Duration;

/** Every workflow and activity option hourmeter uses, built in one place. */
public final class MeteringOptions {

  private MeteringOptions() {}

  /** Options to start a customer's workflow: its id, search attributes and UI summary. */
  public static WorkflowOptions customerWorkflow(
      String taskQueue, MeteringSubscription subscription) {
    String customer = subscription.customer().value();
    return WorkflowOptions.newBuilder()
        .setWorkflowId(MeteringWorkflowIds.forCustomer(subscription.productCode(), customer))
        .setTaskQueue(taskQueue)
        // A customer who ended may subscribe again; a running one is never started twice.
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setTypedSearchAttributes(
            SearchAttributes.newBuilder()
                .set(MeteringSearchAttributes.PRODUCT, subscription.productCode())
                .set(MeteringSearchAttributes.CUSTOMER, customer)
                .set(MeteringSearchAttributes.STATE, MeteringState.ACTIVE.name())
                .build())
        .setStaticSummary("Metering " + subscription.productCode() + " for " + customer)
        .setStaticDetails(
            "**Product** "
                + subscription.productCode()
                + "  \n**Customer** "
                + customer
                + (subscription.customer().hasAwsAccountId() ? " (AWS account)" : "")
                + "  \n**Pricing** "
                + subscription.pricingModel()
                + "  \n**Period** "
                + subscription.period()
                + "  \n**Dimensions** "
                + String.join(", ", subscription.dimensions()))
        .build();
  }

  /**
   * Pulling usage (a local activity): a source that is down is retried for up to half a period,
   * then the period waits for the next close.
   */
  public static LocalActivityOptions collectUsage(Duration period, String summary) {
    return local(
        min(Duration.ofMinutes(2), period.dividedBy(4)), period.dividedBy(2), period, summary);
  }

  /**
   * GetEntitlements (a local activity): retried for up to half a period, then the backlog waits.
   */
  public static LocalActivityOptions checkEntitlements(Duration period, String summary) {
    return local(
        min(Duration.ofMinutes(1), period.dividedBy(4)), period.dividedBy(2), period, summary);
  }

  /**
   * CloudTrail receipt checks (a local activity), served from the worker's shared index; a failure
   * is retried at the next period close.
   */
  public static LocalActivityOptions verifyReceipts(Duration period, String summary) {
    return local(
        min(Duration.ofMinutes(5), period.dividedBy(2)),
        min(Duration.ofMinutes(15), period.dividedBy(2)),
        period,
        summary);
  }

  private static LocalActivityOptions local(
      Duration startToClose, Duration scheduleToClose, Duration period, String summary) {
    return LocalActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
        .setScheduleToCloseTimeout(scheduleToClose)
        .setRetryOptions(retry(period))
        .setSummary(summary)
        .build();
  }

  /**
   * BatchMeterUsage: retried with backoff until the records would leave AWS's timestamp window
   * ({@code untilWindowCloses}). Heartbeats carry progress, so a crashed worker's retry resumes.
   */
  public static ActivityOptions submitRecords(
      Duration period, Duration untilWindowCloses, String summary) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(min(Duration.ofMinutes(5), period))
        .setHeartbeatTimeout(min(Duration.ofSeconds(30), period.dividedBy(2)))
        .setScheduleToCloseTimeout(untilWindowCloses)
        .setRetryOptions(retry(period))
        .setSummary(summary)
        .build();
  }

  static RetryOptions retry(Duration period) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(1))
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(min(Duration.ofMinutes(2), period.dividedBy(6)))
        .build();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
