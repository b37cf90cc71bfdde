package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Syntactic validation of a BatchMeterUsage request, with AWS-style ValidationException messages.
 */
final class MeteringRequestParser {

  static final int MAX_RECORDS = 25;
  private static final Pattern PRODUCT_CODE = Pattern.compile("^[-a-zA-Z0-9/=:_.@]*$");
  private static final BigInteger MAX_QUANTITY = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final String TYPE = ApiOperation.BATCH_METER_USAGE.validationErrorType();

  record MeteringRequest(String productCode, List<UsageRecordInput> records) {}

  private MeteringRequestParser() {}

  static MeteringRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw invalid("request body must be a JSON object");
    }
    String productCode = text(body, "ProductCode", "productCode", true, 1, 255);
    if (!PRODUCT_CODE.matcher(productCode).matches()) {
      throw constraint(
          productCode,
          "productCode",
          "Member must satisfy regular expression pattern: " + PRODUCT_CODE.pattern());
    }
    JsonNode records = body.get("UsageRecords");
    if (records == null || records.isNull()) {
      throw constraint(null, "usageRecords", "Member must not be null");
    }
    if (!records.isArray()) {
      throw invalid("UsageRecords must be a list");
    }
    if (records.isEmpty()) {
      throw constraint("[]", "usageRecords", "Member must have length greater than or equal to 1");
    }
    if (records.size() > MAX_RECORDS) {
      throw constraint(
          "[" + records.size() + " records]",
          "usageRecords",
          "Member must have length less than or equal to " + MAX_RECORDS);
    }
    List<UsageRecordInput> parsed = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      parsed.add(record(records.get(i), i + 1));
    }
    return new MeteringRequest(productCode, List.copyOf(parsed));
  }

  private static UsageRecordInput record(JsonNode node, int position) {
    String path = "usageRecords." + position + ".member";
    if (!node.isObject()) {
      throw invalid("UsageRecords[" + position + "] must be an object");
    }
    JsonNode ts = node.get("Timestamp");
    if (ts == null || ts.isNull()) {
      throw constraint(null, path + ".timestamp", "Member must not be null");
    }
    java.time.Instant timestamp;
    try {
      timestamp = AwsJson.timestamp(ts);
    } catch (IllegalArgumentException e) {
      throw invalid("UsageRecords[" + position + "].Timestamp is not a valid timestamp: " + ts);
    }
    String dimension = text(node, "Dimension", path + ".dimension", true, 1, 255);
    Long quantity = quantity(node.get("Quantity"), path + ".quantity");
    String customerIdentifier =
        text(node, "CustomerIdentifier", path + ".customerIdentifier", false, 1, 255);
    String accountId =
        text(node, "CustomerAWSAccountId", path + ".customerAWSAccountId", false, 1, 255);
    JsonNode allocations = node.get("UsageAllocations");
    if (allocations != null && allocations.isNull()) {
      allocations = null;
    }
    if (allocations != null && (!allocations.isArray() || allocations.isEmpty())) {
      throw constraint(
          allocations.toString(),
          path + ".usageAllocations",
          "Member must be a list with at least 1 element");
    }
    return new UsageRecordInput(
        position, timestamp, dimension, quantity, customerIdentifier, accountId, allocations);
  }

  private static Long quantity(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber()) {
      throw constraint(node.toString(), path, "Member must be an integer");
    }
    BigInteger value = node.bigIntegerValue();
    if (value.signum() < 0) {
      throw constraint(value.toString(), path, "Member must have value greater than or equal to 0");
    }
    if (value.compareTo(MAX_QUANTITY) > 0) {
      throw constraint(
          value.toString(), path, "Member must have value less than or equal to " + MAX_QUANTITY);
    }
    return value.longValue();
  }

  private static String text(
      JsonNode parent, String field, String path, boolean required, int min, int max) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw constraint(null, path, "Member must not be null");
      }
      return null;
    }
    if (!node.isTextual()) {
      throw invalid(field + " must be a string");
    }
    String value = node.textValue();
    if (value.length() < min) {
      throw constraint(value, path, "Member must have length greater than or equal to " + min);
    }
    if (value.length() > max) {
      throw constraint(value, path, "Member must have length less than or equal to " + max);
    }
    return value;
  }

  private static ApiException constraint(String value, String path, String constraint) {
    String shown = value == null ? "null" : "'" + value + "'";
    return ApiException.badRequest(
        TYPE,
        "1 validation error detected: Value "
            + shown
            + " at '"
            + path
            + "' failed to satisfy constraint: "
            + constraint);
  }

  private static ApiException invalid(String message) {
    return ApiException.badRequest(TYPE, message);
  }
}
