package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.CustomerMeteringInput;
import dev.hourmeter.workflows.model.MeteringStatus;
import dev.hourmeter.workflows.model.UsageReceipt;
import dev.hourmeter.workflows.model.UsageReport;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One long-lived workflow per subscribed customer of a product. It wakes after every period
 * boundary, gathers the period's usage (pushed and pulled), checks entitlements, submits one record
 * per dimension and keeps AWS's answer. Id: {@link MeteringWorkflowIds#forCustomer}.
 */
@WorkflowInterface
public interface CustomerMeteringWorkflow {

  @WorkflowMethod(name = "CustomerMetering")
  void run(CustomerMeteringInput input);

  /** Push usage. A report id seen before is ignored; an invalid report is recorded as rejected. */
  @SignalMethod(name = "recordUsage")
  void recordUsage(UsageReport report);

  /**
   * Push usage and learn synchronously whether it was accepted. Same payload as {@link
   * #recordUsage}.
   */
  @UpdateMethod(name = "reportUsage")
  UsageReceipt reportUsage(UsageReport report);

  @UpdateValidatorMethod(updateName = "reportUsage")
  void validateReportUsage(UsageReport report);

  /**
   * Entitlements changed (wire AWS's entitlement-updated notification here): the cached answer is
   * dropped and the next submission checks again; a suspended customer resumes at once when
   * entitled again.
   */
  @SignalMethod(name = "entitlementsChanged")
  void entitlementsChanged();

  /** Meter the open period at once with final records, then end. */
  @SignalMethod(name = "unsubscribe")
  void unsubscribe();

  @QueryMethod(name = "status")
  MeteringStatus status();
}
