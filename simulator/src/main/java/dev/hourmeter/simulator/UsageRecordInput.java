package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One UsageRecord of a BatchMeterUsage request, after syntactic validation.
 *
 * @param position 1-based position in the request (as AWS validation messages count)
 * @param quantity as sent, null when omitted
 * @param quantityAsDecimal {@code QuantityAsDecimal} as sent, null when omitted (never both: the
 *     parser refuses that; neither means 0)
 * @param licenseArn {@code LicenseArn} as sent (Concurrent Agreements), or null
 * @param usageAllocations raw UsageAllocations array, or null
 */
record UsageRecordInput(
    int position,
    Instant timestamp,
    String dimension,
    Long quantity,
    String quantityAsDecimal,
    String customerIdentifier,
    String customerAwsAccountId,
    String licenseArn,
    JsonNode usageAllocations) {

  /**
   * The UsageAllocations as the ledger keeps them (checked by {@link UsageAllocationsValidator}).
   */
  List<LedgerEntry.Allocation> allocations() {
    if (usageAllocations == null) {
      return List.of();
    }
    List<LedgerEntry.Allocation> allocations = new java.util.ArrayList<>();
    for (JsonNode allocation : usageAllocations) {
      JsonNode decimal = allocation.get("AllocatedUsageQuantityAsDecimal");
      BigDecimal quantity =
          decimal != null && decimal.isTextual()
              ? new BigDecimal(decimal.textValue())
              : BigDecimal.valueOf(allocation.path("AllocatedUsageQuantity").longValue());
      java.util.Map<String, String> tags = new java.util.TreeMap<>();
      allocation
          .path("Tags")
          .forEach(t -> tags.put(t.get("Key").asText(), t.get("Value").asText()));
      allocations.add(new LedgerEntry.Allocation(quantity, tags));
    }
    return allocations;
  }

  /** The quantity by value, whichever field carried it: 17, 17.0 and 17.00 are one quantity. */
  BigDecimal quantityValue() {
    if (quantityAsDecimal != null) {
      return new BigDecimal(quantityAsDecimal);
    }
    return BigDecimal.valueOf(quantity == null ? 0L : quantity);
  }

  boolean isDecimal() {
    return quantityAsDecimal != null;
  }

  /**
   * Whether the record uses a field AWS deprecated on 2026-10-20: {@code Quantity}, or {@code
   * AllocatedUsageQuantity} in any of its allocations (AWS still accepts both).
   */
  boolean usesDeprecatedQuantity() {
    if (quantity != null) {
      return true;
    }
    if (usageAllocations == null) {
      return false;
    }
    for (JsonNode allocation : usageAllocations) {
      JsonNode whole = allocation.get("AllocatedUsageQuantity");
      if (whole != null && !whole.isNull()) {
        return true;
      }
    }
    return false;
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
