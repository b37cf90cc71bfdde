package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One UsageRecord of a BatchMeterUsage request, after syntactic validation.
 *
 * @param position 1-based position in the request (as AWS validation messages count)
 * @param quantity as sent, null when omitted (AWS treats it as 0)
 * @param usageAllocations raw UsageAllocations array, or null
 */
record UsageRecordInput(
    int position,
    Instant timestamp,
    String dimension,
    Long quantity,
    String customerIdentifier,
    String customerAwsAccountId,
    JsonNode usageAllocations) {

  long effectiveQuantity() {
    return quantity == null ? 0L : quantity;
  }

  /** The customer when exactly one id field is present. */
  Optional<CustomerId> customer() {
    if ((customerIdentifier == null) == (customerAwsAccountId == null)) {
      return Optional.empty();
    }
    return Optional.of(
        customerIdentifier != null
            ? CustomerId.identifier(customerIdentifier)
            : CustomerId.awsAccount(customerAwsAccountId));
  }
}
