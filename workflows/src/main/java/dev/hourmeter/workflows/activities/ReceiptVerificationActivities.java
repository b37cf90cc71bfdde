package dev.hourmeter.workflows.activities;

import dev.hourmeter.workflows.model.activity.ReceiptCheckRequest;
import dev.hourmeter.workflows.model.activity.ReceiptCheckResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Verifies receipt of accepted records through CloudTrail. Implementations serve every customer's
 * check from one worker-wide, rate-limited index of BatchMeterUsage events, so LookupEvents calls
 * grow with the number of events (50 per page), not with the number of customers.
 */
@ActivityInterface
public interface ReceiptVerificationActivities {

  @ActivityMethod(name = "VerifyReceipts")
  ReceiptCheckResult verifyReceipts(ReceiptCheckRequest request);
}
