package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
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

  /**
   * Options to start a customer's workflow: its id, search attributes and UI summary. A licensed
   * customer's {@code MeteringLicense} is set here, at start (an upsert inside the workflow would
   * be a command).
   */
  public static WorkflowOptions customerWorkflow(
      String taskQueue, MeteringSubscription subscription) {
    CustomerId customerId = subscription.customer();
    String customer = customerId.value();
    SearchAttributes.Builder attributes =
        SearchAttributes.newBuilder()
            .set(MeteringSearchAttributes.PRODUCT, subscription.productCode())
            .set(MeteringSearchAttributes.CUSTOMER, customer)
            .set(MeteringSearchAttributes.STATE, MeteringState.ACTIVE.name());
    if (customerId.hasLicense()) {
      attributes.set(MeteringSearchAttributes.LICENSE, customerId.licenseArn());
    }
    return WorkflowOptions.newBuilder()
        .setWorkflowId(MeteringWorkflowIds.forCustomer(subscription.productCode(), customerId))
        .setTaskQueue(taskQueue)
        // A customer who ended may subscribe again; a running one is never started twice.
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setTypedSearchAttributes(attributes.build())
        .setStaticSummary(
            "Metering "
                + subscription.productCode()
                + " for "
                + customer
                + (customerId.hasLicense() ? " (license " + licenseId(customerId) + ")" : ""))
        .setStaticDetails(
            "**Product** "
                + subscription.productCode()
                + "  \n**Customer** "
                + customer
                + (customerId.hasAwsAccountId() ? " (AWS account)" : "")
                + (customerId.hasLicense() ? "  \n**License** " + customerId.licenseArn() : "")
                + "  \n**Pricing** "
                + subscription.pricingModel()
                + "  \n**Period** "
                + subscription.period()
                + "  \n**Dimensions** "
                + String.join(", ", subscription.dimensions()))
        .build();
  }

  /** The last part of a LicenseArn ({@code l-...} for License Manager), for short summaries. */
  static String licenseId(CustomerId customer) {
    String arn = customer.licenseArn();
    return arn.substring(Math.max(arn.lastIndexOf('/'), arn.lastIndexOf(':')) + 1);
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

  /**
   * FindSuccessor: retried every few seconds, then every minute, until {@code scheduleToClose} (the
   * successor wait left) runs out.
   */
  public static ActivityOptions findSuccessor(Duration scheduleToClose, String summary) {
    return ActivityOptions.newBuilder()
        .setScheduleToCloseTimeout(scheduleToClose)
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(2))
                .setBackoffCoefficient(2)
                .setMaximumInterval(Duration.ofMinutes(1))
                .build())
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
