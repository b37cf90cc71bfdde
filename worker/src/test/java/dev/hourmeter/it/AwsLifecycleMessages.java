package dev.hourmeter.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/**
 * Queue message bodies exactly as AWS Marketplace's lifecycle notifications reach a seller's SQS
 * queue: an EventBridge event as a rule delivers it (the whole event, {@code detail} an object), an
 * SNS notification in the SNS envelope ({@code Message} a JSON string) and the same notification
 * with raw message delivery (the inner JSON alone).
 */
final class AwsLifecycleMessages {

  static final String SELLER_ACCOUNT = "287250355862";
  private static final ObjectMapper JSON = new ObjectMapper();

  private AwsLifecycleMessages() {}

  /** An agreement event, e.g. {@code "Purchase Agreement Created - Manufacturer"}. */
  static String eventBridge(
      String detailType,
      String agreementId,
      String buyerAccount,
      String productCode,
      String licenseArn,
      Instant time) {
    ObjectNode event = JSON.createObjectNode();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", detailType);
    event.put("source", "aws.agreement-marketplace");
    event.put("account", SELLER_ACCOUNT);
    event.put("time", time.toString());
    event.put("region", "us-east-1");
    event
        .putArray("resources")
        .add(
            "arn:aws:aws-marketplace:us-east-1:"
                + SELLER_ACCOUNT
                + ":AWSMarketplace/Agreement/"
                + agreementId);
    ObjectNode detail = event.putObject("detail");
    detail.put("requestId", UUID.randomUUID().toString());
    detail.put("catalog", "AWSMarketplace");
    ObjectNode agreement = detail.putObject("agreement");
    agreement.put("id", agreementId);
    agreement.put("intent", "NEW");
    agreement.put(
        "status", detailType.startsWith("Purchase Agreement Ended") ? "CANCELLED" : "ACTIVE");
    agreement.put("createdTime", time.toString());
    detail.putObject("proposer").put("accountId", SELLER_ACCOUNT);
    detail.putObject("acceptor").put("accountId", buyerAccount);
    detail.putObject("offer").put("id", "offer-" + agreementId.substring(5));
    if (productCode != null) {
      ObjectNode product = detail.putObject("product");
      product.put("id", "prod-" + Integer.toHexString(productCode.hashCode()));
      product.put("code", productCode);
      product.put("title", "hourmeter test product");
    }
    if (licenseArn != null) {
      detail.putObject("license").put("arn", licenseArn);
    }
    return event.toString();
  }

  /** The notification itself (what raw message delivery puts in the queue). */
  static String snsRaw(String action, String customerIdentifier, String productCode) {
    ObjectNode message = JSON.createObjectNode();
    message.put("action", action);
    message.put("customer-identifier", customerIdentifier);
    message.put("product-code", productCode);
    message.put("offer-identifier", "offer-" + productCode);
    message.put("isFreeTrialTermPresent", "false");
    return message.toString();
  }

  /** The notification in the SNS envelope, as an SQS queue subscribed to the topic receives it. */
  static String snsEnvelope(
      String action, String customerIdentifier, String productCode, Instant timestamp) {
    String topic =
        action.equals("entitlement-updated")
            ? "aws-mp-entitlement-notification-" + productCode
            : "aws-mp-subscription-notification-" + productCode;
    ObjectNode envelope = JSON.createObjectNode();
    envelope.put("Type", "Notification");
    envelope.put("MessageId", UUID.randomUUID().toString());
    envelope.put("TopicArn", "arn:aws:sns:us-east-1:" + SELLER_ACCOUNT + ":" + topic);
    envelope.put("Message", snsRaw(action, customerIdentifier, productCode));
    envelope.put("Timestamp", timestamp.toString());
    envelope.put("SignatureVersion", "1");
    envelope.put(
        "Signature",
        "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=");
    envelope.put(
        "SigningCertURL",
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem");
    envelope.put(
        "UnsubscribeURL",
        "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:"
            + SELLER_ACCOUNT
            + ":"
            + topic
            + ":"
            + UUID.randomUUID());
    return envelope.toString();
  }
}
