package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * GetEntitlements. Pages are windows of {@code MaxResults} entitlements - of the customers the
 * filter names, or of the whole product when it names none - filtered after windowing. So, like the
 * real service, a page may hold fewer items than MaxResults, or none, and still carry a NextToken;
 * and a customer's own check pages through that customer's entitlements, not the product's. Paging
 * until NextToken is absent returns every matching entitlement exactly once. Expired entitlements
 * are returned too: the caller decides. Entitlements of concurrent-agreements subscriptions carry
 * their {@code LicenseArn}, one set per license, and the {@code LICENSE_ARN} filter selects them;
 * {@code CUSTOMER_IDENTIFIER} and {@code CUSTOMER_AWS_ACCOUNT_ID} are mutually exclusive, as AWS
 * documents.
 */
final class GetEntitlementsOperation implements OperationHandler {

  static final int MAX_RESULTS = 25;
  private static final String INVALID = "InvalidParameterException";
  private static final String EMPTY_PAGE_MARK = "~";
  private static final Set<String> FILTER_KEYS =
      Set.of("CUSTOMER_IDENTIFIER", "CUSTOMER_AWS_ACCOUNT_ID", "DIMENSION", "LICENSE_ARN");

  private final SimulatorState state;

  GetEntitlementsOperation(SimulatorState state) {
    this.state = state;
  }

  @Override
  public ObjectNode handle(JsonNode request, CallContext context) {
    if (request == null || !request.isObject()) {
      throw ApiException.badRequest(INVALID, "request body must be a JSON object");
    }
    JsonNode productNode = request.get("ProductCode");
    if (productNode == null
        || !productNode.isTextual()
        || productNode.textValue().isEmpty()
        || productNode.textValue().length() > 255) {
      throw ApiException.badRequest(INVALID, "ProductCode is required (1-255 characters).");
    }
    String productCode = productNode.textValue();
    Map<String, Set<String>> filter = filter(request.get("Filter"));
    int maxResults = maxResults(request.get("MaxResults"));
    String fingerprint = PageToken.fingerprint(productCode, filter);
    int offset = offset(request.get("NextToken"), fingerprint);

    List<CustomerId> named = new ArrayList<>();
    filter
        .getOrDefault("CUSTOMER_IDENTIFIER", Set.of())
        .forEach(v -> named.add(CustomerId.identifier(v)));
    filter
        .getOrDefault("CUSTOMER_AWS_ACCOUNT_ID", Set.of())
        .forEach(v -> named.add(CustomerId.awsAccount(v)));
    if (named.isEmpty() && filter.containsKey("LICENSE_ARN")) {
      named.addAll(state.catalog.holders(filter.get("LICENSE_ARN")));
      if (named.isEmpty()) {
        return emptyPage();
      }
    }
    List<Catalog.Entitled> all = state.catalog.entitlements(productCode, named);

    ObjectNode body = AwsJson.object();
    ArrayNode items = body.putArray("Entitlements");
    if (state.faults.emptyEntitlementPage()) {
      // Same position, yet a token of its own, as a real service's would be.
      body.put(
          "NextToken", PageToken.encode(fingerprint, offset + EMPTY_PAGE_MARK + System.nanoTime()));
      return body;
    }
    int end = Math.min(all.size(), offset + maxResults);
    for (int i = offset; i < end; i++) {
      Catalog.Entitled entitled = all.get(i);
      if (matches(entitled, filter)) {
        items.add(render(entitled));
      }
    }
    if (end < all.size()) {
      body.put("NextToken", PageToken.encode(fingerprint, Integer.toString(end)));
    }
    return body;
  }

  private static ObjectNode emptyPage() {
    ObjectNode body = AwsJson.object();
    body.putArray("Entitlements");
    return body;
  }

  private static Map<String, Set<String>> filter(JsonNode node) {
    Map<String, Set<String>> filter = new TreeMap<>();
    if (node == null || node.isNull()) {
      return filter;
    }
    if (!node.isObject()) {
      throw ApiException.badRequest(INVALID, "Filter must be a map of filter name to values.");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!FILTER_KEYS.contains(entry.getKey())) {
        throw ApiException.badRequest(
            INVALID,
            "Filter key "
                + entry.getKey()
                + " is not supported; use one of "
                + new java.util.TreeSet<>(FILTER_KEYS)
                + ".");
      }
      JsonNode values = entry.getValue();
      if (!values.isArray() || values.isEmpty()) {
        throw ApiException.badRequest(
            INVALID, "Filter " + entry.getKey() + " needs at least one value.");
      }
      Set<String> set = new LinkedHashSet<>();
      for (JsonNode value : values) {
        if (!value.isTextual() || value.textValue().isEmpty()) {
          throw ApiException.badRequest(
              INVALID, "Filter " + entry.getKey() + " values must be non-empty strings.");
        }
        set.add(value.textValue());
      }
      filter.put(entry.getKey(), set);
    }
    if (filter.containsKey("CUSTOMER_IDENTIFIER")
        && filter.containsKey("CUSTOMER_AWS_ACCOUNT_ID")) {
      throw ApiException.badRequest(
          INVALID,
          "Filter keys CUSTOMER_IDENTIFIER and CUSTOMER_AWS_ACCOUNT_ID are mutually exclusive.");
    }
    return filter;
  }

  private static int maxResults(JsonNode node) {
    if (node == null || node.isNull()) {
      return MAX_RESULTS;
    }
    if (!node.isIntegralNumber() || node.longValue() < 1 || node.longValue() > MAX_RESULTS) {
      throw ApiException.badRequest(
          INVALID, "MaxResults must be between 1 and " + MAX_RESULTS + ": " + node);
    }
    return node.intValue();
  }

  private static int offset(JsonNode node, String fingerprint) {
    if (node == null || node.isNull()) {
      return 0;
    }
    String position =
        node.isTextual() ? PageToken.decode(node.textValue(), fingerprint).orElse(null) : null;
    if (position != null && position.contains(EMPTY_PAGE_MARK)) {
      position = position.substring(0, position.indexOf(EMPTY_PAGE_MARK));
    }
    try {
      int offset = position == null ? -1 : Integer.parseInt(position);
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw ApiException.badRequest(
        INVALID, "NextToken is invalid or was issued for different parameters.");
  }

  private static boolean matches(Catalog.Entitled entitled, Map<String, Set<String>> filter) {
    CustomerId customer = entitled.customer();
    for (Map.Entry<String, Set<String>> entry : filter.entrySet()) {
      boolean ok =
          switch (entry.getKey()) {
            case "DIMENSION" -> entry.getValue().contains(entitled.entitlement().dimension());
            case "CUSTOMER_IDENTIFIER" ->
                customer.type() == CustomerIdType.CUSTOMER_IDENTIFIER
                    && entry.getValue().contains(customer.value());
            case "CUSTOMER_AWS_ACCOUNT_ID" ->
                customer.type() == CustomerIdType.CUSTOMER_AWS_ACCOUNT_ID
                    && entry.getValue().contains(customer.value());
            case "LICENSE_ARN" ->
                entitled.licenseArn() != null && entry.getValue().contains(entitled.licenseArn());
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static ObjectNode render(Catalog.Entitled entitled) {
    EntitlementSpec spec = entitled.entitlement();
    ObjectNode node = AwsJson.object();
    node.put("ProductCode", entitled.productCode());
    node.put("Dimension", spec.dimension());
    node.put(entitled.customer().type().wireName(), entitled.customer().value());
    if (entitled.licenseArn() != null) {
      node.put("LicenseArn", entitled.licenseArn());
    }
    ObjectNode value = node.putObject("Value");
    if (spec.integerValue() != null) {
      value.put("IntegerValue", spec.integerValue());
    } else if (spec.doubleValue() != null) {
      value.put("DoubleValue", spec.doubleValue());
    } else if (spec.booleanValue() != null) {
      value.put("BooleanValue", spec.booleanValue());
    } else {
      value.put("StringValue", spec.stringValue());
    }
    if (spec.expirationDate() != null) {
      node.set("ExpirationDate", AwsJson.epochSeconds(spec.expirationDate()));
    }
    return node;
  }
}
