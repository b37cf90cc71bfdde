package dev.hourmeter.activities;

import dev.hourmeter.activities.verification.CloudTrailReceiptIndex;
import dev.hourmeter.workflows.activities.ReceiptVerificationActivities;
import dev.hourmeter.workflows.model.activity.ReceiptCheckRequest;
import dev.hourmeter.workflows.model.activity.ReceiptCheckResult;
import java.util.Objects;

/**
 * {@code VerifyReceipts}: answers every check from the worker-wide {@link CloudTrailReceiptIndex},
 * so LookupEvents calls grow with the number of BatchMeterUsage events, not with the number of
 * customers. One {@link dev.hourmeter.workflows.model.activity.ReceiptCheck} per record, in request
 * order.
 */
public final class ReceiptVerificationActivitiesImpl implements ReceiptVerificationActivities {

  private final CloudTrailReceiptIndex index;

  public ReceiptVerificationActivitiesImpl(CloudTrailReceiptIndex index) {
    this.index = Objects.requireNonNull(index, "index");
  }

  @Override
  public ReceiptCheckResult verifyReceipts(ReceiptCheckRequest request) {
    Objects.requireNonNull(request, "request");
    return index.check(request.productCode(), request.records());
  }
}
