package dev.hourmeter.worker.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Reads a queue message body as a subscription lifecycle event, in the three shapes a seller's
 * queue receives: an EventBridge event as a rule delivers it ({@code source}
 * aws.agreement-marketplace, {@code detail-type}, {@code detail}), an SNS notification in the SNS
 * envelope ({@code Type} Notification, {@code Message} holding the JSON as a string), and the same
 * notification with raw message delivery (the inner JSON alone). The seller-side EventBridge schema
 * is not formally documented: fields are read defensively and what is missing is named.
 */
public final class LifecycleMessageParser {

  static final String EVENTBRIDGE_SOURCE = "aws.agreement-marketplace";

  /** Longer than any AgreementStatus value. */
  static final int MAX_STATUS_LENGTH = 64;

  private static final Map<String, LifecycleAction> EVENTBRIDGE =
      Map.of(
          "Purchase Agreement Created", LifecycleAction.START,
          "Purchase Agreement Amended", LifecycleAction.ENTITLEMENTS_CHANGED,
          "Purchase Agreement Ended", LifecycleAction.AGREEMENT_ENDED,
          "License Updated", LifecycleAction.START_OR_ENTITLEMENTS_CHANGED,
          "License Deprovisioned", LifecycleAction.AGREEMENT_ENDED);

  private static final Map<String, LifecycleAction> SNS =
      Map.of(
          "subscribe-success", LifecycleAction.START,
          "subscribe-fail", LifecycleAction.NOTHING,
          "unsubscribe-pending", LifecycleAction.UNSUBSCRIBE,
          "unsubscribe-success", LifecycleAction.SUBSCRIPTION_ENDED,
          "entitlement-updated", LifecycleAction.ENTITLEMENTS_CHANGED);

  private final ObjectMapper json = new ObjectMapper();

  /**
   * @throws MalformedMessageException naming what is wrong: not JSON, not one of the three shapes,
   *     an unknown action, a field an action needs missing
   */
  public LifecycleEvent parse(String body) throws MalformedMessageException {
    JsonNode root = readObject(body, "the message body");
    if (root.hasNonNull("detail-type") || root.hasNonNull("detail")) {
      return eventBridge(root);
    }
    if (root.hasNonNull("Type") && root.has("Message")) {
      String type = root.path("Type").asText();
      if (!type.equals("Notification")) {
        throw new MalformedMessageException(
            "an SNS message of Type " + type + ", not Notification");
      }
      JsonNode inner = readObject(root.path("Message").asText(), "the SNS envelope's Message");
      return sns(inner, "sns", instant(root.path("Timestamp")));
    }
    if (root.hasNonNull("action")) {
      return sns(root, "sns-raw", null);
    }
    throw new MalformedMessageException(
        "neither an EventBridge event (detail-type), an SNS envelope (Type, Message) nor an SNS"
            + " notification (action)");
  }

  private LifecycleEvent eventBridge(JsonNode event) throws MalformedMessageException {
    String source = text(event.path("source"));
    if (!EVENTBRIDGE_SOURCE.equals(source)) {
      throw new MalformedMessageException(
          "an EventBridge event from source " + source + ", not " + EVENTBRIDGE_SOURCE);
    }
    String detailType = text(event.path("detail-type"));
    if (detailType == null) {
      throw new MalformedMessageException("an EventBridge event without detail-type");
    }
    // "Purchase Agreement Created - Manufacturer" (or - Proposer): the role does not matter here.
    int dash = detailType.lastIndexOf(" - ");
    String name = dash < 0 ? detailType : detailType.substring(0, dash);
    LifecycleAction action = EVENTBRIDGE.getOrDefault(name, LifecycleAction.NOTHING);
    JsonNode detail = event.path("detail");
    if (!detail.isObject()) {
      throw new MalformedMessageException(
          "the EventBridge event '" + detailType + "' has no detail");
    }
    String product = text(detail.path("product").path("code"));
    String account = text(detail.path("acceptor").path("accountId"));
    String license = text(detail.path("license").path("arn"));
    String agreement = text(detail.path("agreement").path("id"));
    String status = text(detail.path("agreement").path("status"));
    if (status != null && status.length() > MAX_STATUS_LENGTH) {
      status = null; // no AgreementStatus is that long: read as absent (and kept out of the logs)
    }
    LifecycleEvent parsed =
        new LifecycleEvent(
            "eventbridge",
            detailType,
            action,
            product,
            account,
            license,
            agreement,
            status,
            instant(event.path("time")));
    if (action == LifecycleAction.NOTHING) {
      return parsed;
    }
    boolean startable = product != null && account != null && license != null;
    if ((action == LifecycleAction.START || action == LifecycleAction.START_OR_ENTITLEMENTS_CHANGED)
        && !startable) {
      throw new MalformedMessageException(
          "'"
              + detailType
              + "' needs detail.product.code, detail.acceptor.accountId and detail.license.arn;"
              + " missing: "
              + missing(product, account, license));
    }
    if (!startable && agreement == null) {
      throw new MalformedMessageException(
          "'"
              + detailType
              + "' names neither the customer (detail.product.code, detail.acceptor.accountId,"
              + " detail.license.arn) nor the agreement (detail.agreement.id)");
    }
    return parsed;
  }

  private LifecycleEvent sns(JsonNode message, String format, Instant time)
      throws MalformedMessageException {
    String actionName = text(message.path("action"));
    LifecycleAction action = actionName == null ? null : SNS.get(actionName);
    if (action == null) {
      throw new MalformedMessageException("an SNS notification with unknown action " + actionName);
    }
    String product = text(message.path("product-code"));
    String customer = text(message.path("customer-identifier"));
    if (customer == null) {
      customer = text(message.path("customer-aws-account-id"));
    }
    if (product == null || customer == null) {
      throw new MalformedMessageException(
          "the SNS notification '"
              + actionName
              + "' needs product-code and customer-identifier; missing: "
              + (product == null ? "product-code " : "")
              + (customer == null ? "customer-identifier" : ""));
    }
    return new LifecycleEvent(
        format,
        actionName,
        action,
        product,
        customer,
        text(message.path("license-arn")),
        null,
        time);
  }

  private JsonNode readObject(String text, String what) throws MalformedMessageException {
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(what + " is not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new MalformedMessageException(what + " is not a JSON object");
    }
    return node;
  }

  private static String text(JsonNode node) {
    if (node == null || !node.isTextual()) {
      return null;
    }
    String value = node.asText().trim();
    return value.isEmpty() ? null : value;
  }

  private static Instant instant(JsonNode node) {
    String value = text(node);
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null; // only used to tell a re-subscription from a duplicate; absent is allowed
    }
  }

  private static String missing(String product, String account, String license) {
    StringBuilder b = new StringBuilder();
    if (product == null) {
      b.append("detail.product.code ");
    }
    if (account == null) {
      b.append("detail.acceptor.accountId ");
    }
    if (license == null) {
      b.append("detail.license.arn");
    }
    return b.toString().trim();
  }
}
