package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.api.UsageBatchReceipts;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import java.util.List;

/**
 * One long-lived workflow per subscribed customer of a product, as clients see it. It wakes after
 * every period boundary, gathers the period's usage (pushed and pulled), checks entitlements,
 * submits one record per dimension and keeps AWS's answer. Id: {@link
 * MeteringWorkflowIds#forCustomer}.
 *
 * <p>The usage messages are declared here for clients only: the workflow reads them as raw JSON
 * ({@link UsageMessages}) so that nothing is coerced and no payload is dropped unseen. Their names
 * are {@link UsageMessages#RECORD_USAGE} and {@link UsageMessages#REPORT_USAGE}; a client may also
 * send any JSON under those names with an untyped stub.
 */
@WorkflowInterface
public interface CustomerMeteringWorkflow extends CustomerMetering {

  /**
   * Push usage. A report id seen before is ignored (a different content under it is refused as a
   * conflict); an invalid report is recorded as rejected and shown in {@code status}.
   */
  @SignalMethod(name = UsageMessages.RECORD_USAGE)
  void recordUsage(UsageReport report);

  /**
   * Push usage and learn synchronously whether it was accepted. Same payload as {@link
   * #recordUsage}; a refusal names the field.
   */
  @UpdateMethod(name = UsageMessages.REPORT_USAGE)
  UsageReceipt reportUsage(UsageReport report);

  /**
   * Push several reports in one update (one Temporal action) and learn each one's outcome, in
   * order: accepted, duplicate, or refused with the reason and whether a retry can succeed. One
   * refused report never loses the others. At most {@link UsageMessages#MAX_BATCH_REPORTS} reports;
   * the whole batch is refused only when it is empty, too large or the subscription has ended.
   */
  @UpdateMethod(name = UsageMessages.REPORT_USAGE_BATCH)
  UsageBatchReceipts reportUsageBatch(List<UsageReport> reports);
}
