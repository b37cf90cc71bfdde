package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * UsageAllocations must add up to the record's quantity, by value, and use the record's kind of
 * quantity: {@code AllocatedUsageQuantity} with {@code Quantity}, {@code
 * AllocatedUsageQuantityAsDecimal} with {@code QuantityAsDecimal}, exactly one per allocation. Each
 * allocation may carry 1-5 tags.
 */
final class UsageAllocationsValidator {

  private static final String INTEGER = "AllocatedUsageQuantity";
  private static final String DECIMAL = "AllocatedUsageQuantityAsDecimal";

  private UsageAllocationsValidator() {}

  static void validate(UsageRecordInput record) {
    JsonNode allocations = record.usageAllocations();
    if (allocations == null) {
      return;
    }
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode allocation : allocations) {
      sum = sum.add(quantity(record, allocation));
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
    if (sum.compareTo(record.quantityValue()) != 0) {
      throw invalidAllocations(
          record,
          "allocated quantities add up to "
              + sum.stripTrailingZeros().toPlainString()
              + ", not to the record's quantity "
              + record.quantityValue().stripTrailingZeros().toPlainString());
    }
  }

  private static BigDecimal quantity(UsageRecordInput record, JsonNode allocation) {
    JsonNode integer = allocation.get(INTEGER);
    JsonNode decimal = allocation.get(DECIMAL);
    boolean hasInteger = integer != null && !integer.isNull();
    boolean hasDecimal = decimal != null && !decimal.isNull();
    if (hasInteger == hasDecimal) {
      throw invalidAllocations(
          record, "each allocation needs exactly one of " + INTEGER + ", " + DECIMAL);
    }
    if (record.isDecimal() != hasDecimal) {
      throw invalidAllocations(
          record,
          record.isDecimal()
              ? "a QuantityAsDecimal record's allocations use " + DECIMAL
              : "a Quantity record's allocations use " + INTEGER);
    }
    if (hasDecimal) {
      return new BigDecimal(decimal.textValue()); // the parser checked the pattern
    }
    if (!integer.isIntegralNumber() || integer.longValue() < 0) {
      throw invalidAllocations(record, INTEGER + " must be a non-negative integer");
    }
    return BigDecimal.valueOf(integer.longValue());
  }

  private static ApiException invalidAllocations(UsageRecordInput record, String message) {
    return ApiException.badRequest(
        "InvalidUsageAllocationsException",
        "Usage record " + record.position() + ": " + message + ".");
  }
}
