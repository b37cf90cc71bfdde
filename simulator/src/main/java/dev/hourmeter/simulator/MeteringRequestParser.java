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

  /** {@code UsageQuantityAsDecimalString} and {@code AllocatedUsageQuantityAsDecimalString}. */
  static final Pattern DECIMAL_QUANTITY = Pattern.compile("^(0|[1-9][0-9]{0,9})(\\.[0-9]{1,6})?$");

  /** The {@code LicenseArn} shape's pattern in the current AWS model. */
  static final Pattern LICENSE_ARN =
      Pattern.compile(
          "^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:[A-Za-z0-9_/.-]{0,63}:"
              + "[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$");

  private static final BigInteger MAX_QUANTITY = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final String TYPE = ApiOperation.BATCH_METER_USAGE.validationErrorType();

  /**
   * @param productCode null when the request has none (Concurrent Agreements requests identify the
   *     product by each record's LicenseArn)
   */
  record MeteringRequest(String productCode, List<UsageRecordInput> records) {

    boolean hasLicenses() {
      return records.stream().anyMatch(r -> r.licenseArn() != null);
    }
  }

  private MeteringRequestParser() {}

  static MeteringRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw invalid("request body must be a JSON object");
    }
    String productCode = text(body, "ProductCode", "productCode", false, 1, 255);
    if (productCode != null && !PRODUCT_CODE.matcher(productCode).matches()) {
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
    MeteringRequest request = new MeteringRequest(productCode, List.copyOf(parsed));
    if (productCode != null && request.hasLicenses()) {
      throw invalid(
          "Specify either ProductCode (legacy) or a LicenseArn in each usage record"
              + " (Concurrent Agreements), not both.");
    }
    if (productCode == null && !request.hasLicenses()) {
      throw constraint(null, "productCode", "Member must not be null when no LicenseArn is given");
    }
    return request;
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
    String quantityAsDecimal = decimal(node, "QuantityAsDecimal", path + ".quantityAsDecimal");
    if (quantity != null && quantityAsDecimal != null) {
      throw invalid(
          "Usage record " + position + ": specify either Quantity or QuantityAsDecimal, not both.");
    }
    String licenseArn = text(node, "LicenseArn", path + ".licenseArn", false, 1, 2048);
    if (licenseArn != null && !LICENSE_ARN.matcher(licenseArn).matches()) {
      throw constraint(
          licenseArn,
          path + ".licenseArn",
          "Member must satisfy regular expression pattern: " + LICENSE_ARN.pattern());
    }
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
    if (allocations != null) {
      for (int i = 0; i < allocations.size(); i++) {
        JsonNode allocation = allocations.get(i);
        if (allocation.isObject()) {
          decimal(
              allocation,
              "AllocatedUsageQuantityAsDecimal",
              path + ".usageAllocations." + (i + 1) + ".member.allocatedUsageQuantityAsDecimal");
        }
      }
    }
    return new UsageRecordInput(
        position,
        timestamp,
        dimension,
        quantity,
        quantityAsDecimal,
        customerIdentifier,
        accountId,
        licenseArn,
        allocations);
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

  /** A decimal quantity string (1-17 characters matching {@link #DECIMAL_QUANTITY}), or null. */
  static String decimal(JsonNode parent, String field, String path) {
    String value = text(parent, field, path, false, 1, 17);
    if (value != null && !DECIMAL_QUANTITY.matcher(value).matches()) {
      throw constraint(
          value,
          path,
          "Member must satisfy regular expression pattern: " + DECIMAL_QUANTITY.pattern());
    }
    return value;
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
