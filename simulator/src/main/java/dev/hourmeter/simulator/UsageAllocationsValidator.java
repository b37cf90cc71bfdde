package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * UsageAllocations must add up to the record's quantity, by value, and use the record's kind of
 * quantity: {@code AllocatedUsageQuantity} with {@code Quantity}, {@code
 * AllocatedUsageQuantityAsDecimal} with {@code QuantityAsDecimal}, exactly one per allocation. Each
 * allocation may carry 1-5 tags (key 1-100, value 1-256 characters of {@link #TAG_CHARACTERS}),
 * each tag set at most once per record (the untagged allocation too), at most {@value
 * #MAX_ALLOCATIONS} allocations. Any failure refuses the whole request.
 */
final class UsageAllocationsValidator {

  private static final String INTEGER = "AllocatedUsageQuantity";
  private static final String DECIMAL = "AllocatedUsageQuantityAsDecimal";

  static final int MAX_ALLOCATIONS = 2500;

  /** AWS's {@code TagKey} / {@code TagValue} pattern. */
  static final Pattern TAG_CHARACTERS = Pattern.compile("^[a-zA-Z0-9+ -=._:\\/@]+$");

  private UsageAllocationsValidator() {}

  static void validate(UsageRecordInput record) {
    JsonNode allocations = record.usageAllocations();
    if (allocations == null) {
      return;
    }
    if (allocations.size() > MAX_ALLOCATIONS) {
      throw invalidAllocations(
          record,
          "at most " + MAX_ALLOCATIONS + " allocations per record, got " + allocations.size());
    }
    BigDecimal sum = BigDecimal.ZERO;
    Set<Map<String, String>> tagSets = new HashSet<>();
    for (JsonNode allocation : allocations) {
      sum = sum.add(quantity(record, allocation));
      Map<String, String> tagSet = tags(record, allocation.get("Tags"));
      if (!tagSets.add(tagSet)) {
        throw invalidAllocations(
            record,
            tagSet.isEmpty()
                ? "more than one allocation without tags"
                : "the tag set " + tagSet + " appears in more than one allocation");
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

  private static Map<String, String> tags(UsageRecordInput record, JsonNode tags) {
    Map<String, String> tagSet = new TreeMap<>();
    if (tags == null || tags.isNull()) {
      return tagSet;
    }
    if (!tags.isArray() || tags.isEmpty() || tags.size() > 5) {
      throw invalidTag(record, "each allocation must have 1 to 5 tags");
    }
    for (JsonNode tag : tags) {
      if (!tag.path("Key").isTextual() || !tag.path("Value").isTextual()) {
        throw invalidTag(record, "tags need a Key and a Value");
      }
      String key = tag.get("Key").textValue();
      String value = tag.get("Value").textValue();
      if (key.isEmpty() || key.length() > 100 || !TAG_CHARACTERS.matcher(key).matches()) {
        throw invalidTag(
            record,
            "tag key '" + key + "' must be 1-100 characters matching " + TAG_CHARACTERS.pattern());
      }
      if (value.isEmpty() || value.length() > 256 || !TAG_CHARACTERS.matcher(value).matches()) {
        throw invalidTag(
            record,
            "the value of tag '"
                + key
                + "' must be 1-256 characters matching "
                + TAG_CHARACTERS.pattern());
      }
      if (tagSet.put(key, value) != null) {
        throw invalidTag(record, "tag key '" + key + "' appears twice in one allocation");
      }
    }
    return tagSet;
  }

  private static ApiException invalidTag(UsageRecordInput record, String message) {
    return ApiException.badRequest(
        "InvalidTagException", "Usage record " + record.position() + ": " + message + ".");
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
