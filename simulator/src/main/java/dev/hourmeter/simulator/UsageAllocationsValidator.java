package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/** UsageAllocations must add up to the record's Quantity; each allocation may carry 1-5 tags. */
final class UsageAllocationsValidator {

  private UsageAllocationsValidator() {}

  static void validate(UsageRecordInput record) {
    JsonNode allocations = record.usageAllocations();
    if (allocations == null) {
      return;
    }
    long sum = 0;
    for (JsonNode allocation : allocations) {
      JsonNode quantity = allocation.get("AllocatedUsageQuantity");
      if (quantity == null || !quantity.isIntegralNumber() || quantity.longValue() < 0) {
        throw invalidAllocations(record, "AllocatedUsageQuantity must be a non-negative integer");
      }
      sum += quantity.longValue();
      JsonNode tags = allocation.get("Tags");
      if (tags == null || tags.isNull()) {
        continue;
      }
      if (!tags.isArray() || tags.isEmpty() || tags.size() > 5) {
        throw ApiException.badRequest(
            "InvalidTagException",
            "Usage record " + record.position() + ": each allocation must have 1 to 5 tags.");
      }
      for (JsonNode tag : tags) {
        if (!tag.path("Key").isTextual() || !tag.path("Value").isTextual()) {
          throw ApiException.badRequest(
              "InvalidTagException",
              "Usage record " + record.position() + ": tags need a Key and a Value.");
        }
      }
    }
    if (sum != record.effectiveQuantity()) {
      throw invalidAllocations(
          record,
          "allocated quantities add up to "
              + sum
              + ", not to the Quantity "
              + record.effectiveQuantity());
    }
  }

  private static ApiException invalidAllocations(UsageRecordInput record, String message) {
    return ApiException.badRequest(
        "InvalidUsageAllocationsException",
        "Usage record " + record.position() + ": " + message + ".");
  }
}
