package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The JSON of {@code /_sim/agreements}: request bodies in, agreements out. */
final class AgreementCodec {

  private static final Set<String> AGREEMENT_FIELDS =
      Set.of(
          "productCode",
          "customerAWSAccountId",
          "dimensions",
          "entitlements",
          "pricingModel",
          "concurrentAgreements",
          "freeTrial");
  private static final Set<String> AMEND_FIELDS = Set.of("entitlements");

  private AgreementCodec() {}

  static AgreementSpec agreement(JsonNode node) {
    ControlCodec.requireObject(node, "body");
    ControlCodec.allowOnly(node, "", AGREEMENT_FIELDS);
    String productCode = ControlCodec.productCode(node);
    String account = ControlCodec.text(node, "customerAWSAccountId", "customerAWSAccountId", true);
    if (!account.matches("[0-9]{12}")) {
      throw new ControlException("customerAWSAccountId must be 12 digits: '" + account + "'");
    }
    String pricing = ControlCodec.text(node, "pricingModel", "pricingModel", false);
    if (pricing != null && !pricing.equals("SUBSCRIPTION") && !pricing.equals("CONTRACT")) {
      throw new ControlException(
          "pricingModel must be SUBSCRIPTION or CONTRACT: '" + pricing + "'");
    }
    return new AgreementSpec(
        productCode,
        account,
        ControlCodec.stringList(node, "dimensions"),
        entitlements(node),
        pricing,
        ControlCodec.bool(node, "concurrentAgreements", false),
        ControlCodec.bool(node, "freeTrial", false));
  }

  static List<EntitlementSpec> amendment(JsonNode node) {
    ControlCodec.requireObject(node, "body");
    ControlCodec.allowOnly(node, "", AMEND_FIELDS);
    if (!node.has("entitlements")) {
      throw new ControlException("entitlements is required (a list; empty for none)");
    }
    return entitlements(node);
  }

  /**
   * The optional body of {@code /renew} and {@code /replace}: the new agreement's entitlements, or
   * null (the old agreement's) when the body does not name them.
   */
  static List<EntitlementSpec> succession(JsonNode node) {
    ControlCodec.requireObject(node, "body");
    ControlCodec.allowOnly(node, "", AMEND_FIELDS);
    return node.has("entitlements") ? entitlements(node) : null;
  }

  /** {@code ?order=}: {@code ended-first} (also when absent) or {@code created-first}. */
  static SimulatorAgreements.EventOrder order(String value) {
    if (value == null || value.equals("ended-first")) {
      return SimulatorAgreements.EventOrder.ENDED_FIRST;
    }
    if (value.equals("created-first")) {
      return SimulatorAgreements.EventOrder.CREATED_FIRST;
    }
    throw new ControlException("order must be ended-first or created-first: '" + value + "'");
  }

  private static List<EntitlementSpec> entitlements(JsonNode node) {
    List<EntitlementSpec> entitlements = new ArrayList<>();
    JsonNode list = node.get("entitlements");
    if (list == null || list.isNull()) {
      return entitlements;
    }
    if (!list.isArray()) {
      throw new ControlException("entitlements must be a list");
    }
    for (int i = 0; i < list.size(); i++) {
      entitlements.add(ControlCodec.entitlement(list.get(i), "entitlements[" + i + "]"));
    }
    return entitlements;
  }

  static ObjectNode render(Agreement agreement) {
    ObjectNode node = AwsJson.object();
    node.put("agreementId", agreement.id());
    node.put("productCode", agreement.productCode());
    node.put("customerAWSAccountId", agreement.accountId());
    putNullable(node, "customerIdentifier", agreement.customerIdentifier());
    putNullable(node, "licenseArn", agreement.licenseArn());
    node.put("offerId", agreement.offerId());
    node.put("pricingModel", agreement.pricingModel());
    node.put("freeTrial", agreement.freeTrial());
    node.put("concurrentAgreements", agreement.concurrentAgreements());
    ArrayNode dimensions = node.putArray("dimensions");
    agreement.dimensions().forEach(dimensions::add);
    ArrayNode entitlements = node.putArray("entitlements");
    agreement.entitlements().forEach(e -> entitlements.add(ControlRenderer.render(e)));
    node.put("registrationToken", agreement.registrationToken());
    node.put("tokenExpiresAt", agreement.tokenExpiresAt().toString());
    node.put("status", agreement.status().name());
    node.put("agreementStatus", agreement.agreementStatus().name());
    node.put("createdAt", agreement.createdAt().toString());
    putNullable(node, "endsAt", agreement.endsAt() == null ? null : agreement.endsAt().toString());
    putNullable(
        node,
        "deprovisionedAt",
        agreement.deprovisionedAt() == null ? null : agreement.deprovisionedAt().toString());
    node.put("initialAgreementId", agreement.initialAgreementId());
    putNullable(node, "predecessorId", agreement.predecessorId());
    putNullable(node, "successorId", agreement.successorId());
    return node;
  }

  private static void putNullable(ObjectNode node, String field, String value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }
}
