package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Builds the lifecycle message bodies exactly as AWS delivers them into a seller's SQS queue
 * (docs/usage-formats.md, "Agreement events"): for a concurrent-agreements product an EventBridge
 * event from {@code aws.agreement-marketplace} as an EventBridge rule's SQS target receives it; for
 * a legacy product an SNS notification in the SNS envelope (not raw delivery), whose {@code
 * Message} is the JSON string AWS Marketplace publishes on its topic.
 */
final class AgreementEvents {

  /** The AWS Marketplace account that owns the sellers' SNS topics. */
  static final String MARKETPLACE_SNS_ACCOUNT = "287250355862";

  static final String SOURCE = "aws.agreement-marketplace";
  static final String AGREEMENT_CREATED = "Purchase Agreement Created - Manufacturer";
  static final String LICENSE_UPDATED = "License Updated - Manufacturer";
  static final String AGREEMENT_ENDED = "Purchase Agreement Ended - Manufacturer";
  static final String LICENSE_DEPROVISIONED = "License Deprovisioned - Manufacturer";

  static final String SUBSCRIBE_SUCCESS = "subscribe-success";
  static final String ENTITLEMENT_UPDATED = "entitlement-updated";
  static final String UNSUBSCRIBE_PENDING = "unsubscribe-pending";
  static final String UNSUBSCRIBE_SUCCESS = "unsubscribe-success";

  private final String region;
  private final String sellerAccount;

  AgreementEvents(SimulatorConfig config) {
    this.region = config.region();
    this.sellerAccount = config.accountId();
  }

  /**
   * An EventBridge event of {@code detailType} about {@code agreement}, at {@code time}: {@code
   * detail.agreement.status} is the agreement's {@link Agreement#agreementStatus()} (ACTIVE, or why
   * it ended: CANCELLED, RENEWED, REPLACED), {@code detail.agreement.intent} the given one.
   */
  String eventBridge(String detailType, Agreement agreement, String intent, Instant time) {
    ObjectNode event = AwsJson.object();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", detailType);
    event.put("source", SOURCE);
    event.put("account", sellerAccount);
    event.put("time", AwsJson.CLOUDTRAIL_EVENT_TIME.format(time));
    event.put("region", region);
    event
        .putArray("resources")
        .add(
            "arn:aws:aws-marketplace:"
                + region
                + ":"
                + sellerAccount
                + ":AWSMarketplace/Agreement/"
                + agreement.id());
    ObjectNode detail = event.putObject("detail");
    detail.put("requestId", UUID.randomUUID().toString());
    ObjectNode agreementNode = detail.putObject("agreement");
    agreementNode.put("id", agreement.id());
    agreementNode.put("intent", intent);
    agreementNode.put("status", agreement.agreementStatus().name());
    agreementNode.put("createdTime", AwsJson.CLOUDTRAIL_EVENT_TIME.format(agreement.createdAt()));
    detail.putObject("acceptor").put("accountId", agreement.accountId());
    detail.putObject("proposer").put("accountId", sellerAccount);
    detail.putObject("offer").put("id", agreement.offerId());
    ObjectNode product = detail.putObject("product");
    product.put("id", productId(agreement.productCode()));
    product.put("code", agreement.productCode());
    detail.putObject("license").put("arn", agreement.licenseArn());
    return AwsJson.string(event);
  }

  /** An SNS notification (in the SNS envelope) with {@code action} about {@code agreement}. */
  String sns(String action, Agreement agreement, Instant time) {
    boolean entitlement = action.equals(ENTITLEMENT_UPDATED);
    ObjectNode message = AwsJson.object();
    message.put("action", action);
    message.put("customer-identifier", agreement.customerIdentifier());
    message.put("product-code", agreement.productCode());
    if (!entitlement) {
      message.put("offer-identifier", agreement.offerId());
      message.put("isFreeTrialTermPresent", Boolean.toString(agreement.freeTrial()));
    }
    String topic =
        "arn:aws:sns:"
            + region
            + ":"
            + MARKETPLACE_SNS_ACCOUNT
            + ":aws-mp-"
            + (entitlement ? "entitlement" : "subscription")
            + "-notification-"
            + agreement.productCode();
    String messageId = UUID.randomUUID().toString();
    ObjectNode envelope = AwsJson.object();
    envelope.put("Type", "Notification");
    envelope.put("MessageId", messageId);
    envelope.put("TopicArn", topic);
    envelope.put("Message", AwsJson.string(message));
    envelope.put("Timestamp", AwsJson.ISO_MILLIS.format(time));
    envelope.put("SignatureVersion", "1");
    // The simulator cannot sign as SNS: a placeholder of the real signature's length.
    envelope.put(
        "Signature",
        Base64.getEncoder().encodeToString(digest(messageId + topic).repeat(8).getBytes()));
    envelope.put(
        "SigningCertURL",
        "https://sns." + region + ".amazonaws.com/SimpleNotificationService-simulator.pem");
    envelope.put(
        "UnsubscribeURL",
        "https://sns."
            + region
            + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
            + topic
            + ":"
            + UUID.nameUUIDFromBytes(topic.getBytes(StandardCharsets.UTF_8)));
    return AwsJson.string(envelope);
  }

  /** A message that is not JSON: {@code body} cut in half. */
  static String malformed(String body) {
    return body.substring(0, body.length() / 2);
  }

  /** AWS's product id ({@code prod-...}), stable per product code. */
  static String productId(String productCode) {
    return "prod-" + digest(productCode).substring(0, 13);
  }

  private static String digest(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
