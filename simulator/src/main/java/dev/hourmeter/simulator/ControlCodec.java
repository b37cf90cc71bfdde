package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the JSON bodies of the control API ({@code /_sim/...}) strictly: unknown fields are
 * rejected and every error names its field. {@link FaultSpecCodec} parses faults, {@link
 * ControlRenderer} writes the answers.
 */
final class ControlCodec {

  private static final Pattern PRODUCT_CODE = Pattern.compile("[-a-zA-Z0-9/=:_.@]{1,255}");
  private static final Set<String> SUBSCRIPTION_FIELDS =
      Set.of(
          "productCode",
          "customerIdentifier",
          "customerAWSAccountId",
          "dimensions",
          "entitlements",
          "subscribed",
          "licenseArn");
  private static final Set<String> ENTITLEMENT_FIELDS =
      Set.of(
          "dimension",
          "integerValue",
          "doubleValue",
          "booleanValue",
          "stringValue",
          "expirationDate");
  private static final Set<String> PRODUCT_FIELDS =
      Set.of("productCode", "dimensions", "concurrentAgreements", "migrating");

  private ControlCodec() {}

  // ---- parsing -------------------------------------------------------------------------------

  static SubscriptionSpec subscription(JsonNode node) {
    requireObject(node, "body");
    allowOnly(node, "", SUBSCRIPTION_FIELDS);
    String productCode = productCode(node);
    String identifier = text(node, "customerIdentifier", "customerIdentifier", false);
    String accountId = text(node, "customerAWSAccountId", "customerAWSAccountId", false);
    if ((identifier == null) == (accountId == null)) {
      throw new ControlException(
          "exactly one of customerIdentifier or customerAWSAccountId is required");
    }
    CustomerId customer =
        identifier != null ? CustomerId.identifier(identifier) : CustomerId.awsAccount(accountId);
    if (!customer.isWellFormed()) {
      throw new ControlException(
          customer.type().camelName()
              + " is malformed: '"
              + customer.value()
              + "' (account ids are 12 digits)");
    }
    List<String> dimensions = stringList(node, "dimensions");
    List<EntitlementSpec> entitlements = new ArrayList<>();
    JsonNode list = node.get("entitlements");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new ControlException("entitlements must be a list");
      }
      for (int i = 0; i < list.size(); i++) {
        entitlements.add(entitlement(list.get(i), "entitlements[" + i + "]"));
      }
    }
    boolean subscribed = bool(node, "subscribed", true);
    String licenseArn = text(node, "licenseArn", "licenseArn", false);
    if (licenseArn != null && accountId == null) {
      throw new ControlException("licenseArn needs customerAWSAccountId, not customerIdentifier");
    }
    return new SubscriptionSpec(
        productCode, customer, dimensions, entitlements, subscribed, licenseArn);
  }

  static EntitlementSpec entitlement(JsonNode node, String path) {
    requireObject(node, path);
    allowOnly(node, path + ".", ENTITLEMENT_FIELDS);
    String dimension = text(node, "dimension", path + ".dimension", true);
    Integer integerValue = null;
    Double doubleValue = null;
    Boolean booleanValue = null;
    String stringValue = null;
    int set = 0;
    JsonNode v;
    if ((v = node.get("integerValue")) != null && !v.isNull()) {
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new ControlException(path + ".integerValue must be a 32-bit integer");
      }
      integerValue = v.intValue();
      set++;
    }
    if ((v = node.get("doubleValue")) != null && !v.isNull()) {
      if (!v.isNumber()) {
        throw new ControlException(path + ".doubleValue must be a number");
      }
      doubleValue = v.doubleValue();
      set++;
    }
    if ((v = node.get("booleanValue")) != null && !v.isNull()) {
      if (!v.isBoolean()) {
        throw new ControlException(path + ".booleanValue must be true or false");
      }
      booleanValue = v.booleanValue();
      set++;
    }
    if ((v = node.get("stringValue")) != null && !v.isNull()) {
      if (!v.isTextual()) {
        throw new ControlException(path + ".stringValue must be a string");
      }
      stringValue = v.textValue();
      set++;
    }
    if (set != 1) {
      throw new ControlException(
          path
              + ": exactly one of integerValue, doubleValue, booleanValue, stringValue"
              + " is required");
    }
    Instant expiration = null;
    if ((v = node.get("expirationDate")) != null && !v.isNull()) {
      try {
        expiration = AwsJson.timestamp(v);
      } catch (IllegalArgumentException e) {
        throw new ControlException(
            path + ".expirationDate must be an ISO-8601 instant or epoch seconds: " + v);
      }
    }
    return new EntitlementSpec(
        dimension, integerValue, doubleValue, booleanValue, stringValue, expiration);
  }

  static ProductSpec product(JsonNode node) {
    requireObject(node, "body");
    allowOnly(node, "", PRODUCT_FIELDS);
    return new ProductSpec(
        productCode(node),
        stringList(node, "dimensions"),
        bool(node, "concurrentAgreements", false),
        bool(node, "migrating", false));
  }

  // ---- field helpers -------------------------------------------------------------------------

  static String productCode(JsonNode node) {
    String productCode = text(node, "productCode", "productCode", true);
    if (!PRODUCT_CODE.matcher(productCode).matches()) {
      throw new ControlException(
          "productCode must be 1-255 characters of [-a-zA-Z0-9/=:_.@]: '" + productCode + "'");
    }
    return productCode;
  }

  static void requireObject(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new ControlException(path + " must be a JSON object");
    }
  }

  static void allowOnly(JsonNode node, String prefix, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new ControlException(
            prefix + name + ": unknown field (allowed: " + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }

  static String text(JsonNode node, String field, String path, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new ControlException(path + " is required");
      }
      return null;
    }
    if (!v.isTextual() || v.textValue().isEmpty()) {
      throw new ControlException(path + " must be a non-empty string");
    }
    return v.textValue();
  }

  static List<String> stringList(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new ControlException(field + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      if (!item.isTextual() || item.textValue().isEmpty()) {
        throw new ControlException(field + "[" + i + "] must be a non-empty string");
      }
      out.add(item.textValue());
    }
    return out;
  }

  static boolean bool(JsonNode node, String field, boolean defaultValue) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    if (!v.isBoolean()) {
      throw new ControlException(field + " must be true or false");
    }
    return v.booleanValue();
  }
}
