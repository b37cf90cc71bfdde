package dev.hourmeter.worker.intake;

import java.time.Instant;

/**
 * One subscription lifecycle event read from a queue message, whatever its format.
 *
 * @param format {@code eventbridge}, {@code sns} (in the SNS envelope) or {@code sns-raw}
 * @param name the event: EventBridge's {@code detail-type} or the SNS {@code action}
 * @param action what it asks of the workflow
 * @param productCode the product, null when the event does not carry it
 * @param customer the AWS account id (EventBridge, newer SNS) or the legacy CustomerIdentifier;
 *     null when absent
 * @param licenseArn the license (EventBridge), null when absent
 * @param agreementId the agreement (EventBridge), null when absent
 * @param agreementStatus the agreement's status the event carries ({@code
 *     detail.agreement.status}), null when absent
 * @param time when AWS published it (EventBridge {@code time}, SNS {@code Timestamp}); null for raw
 *     SNS delivery
 */
public record LifecycleEvent(
    String format,
    String name,
    LifecycleAction action,
    String productCode,
    String customer,
    String licenseArn,
    String agreementId,
    String agreementStatus,
    Instant time) {

  public LifecycleEvent(
      String format,
      String name,
      LifecycleAction action,
      String productCode,
      String customer,
      String licenseArn,
      String agreementId,
      Instant time) {
    this(format, name, action, productCode, customer, licenseArn, agreementId, null, time);
  }

  /** Whether the event names the customer fully (product and customer), not only an agreement. */
  public boolean identifiesCustomer() {
    return productCode != null && customer != null;
  }

  @Override
  public String toString() {
    return format
        + " '"
        + name
        + "' ("
        + action
        + ") product="
        + productCode
        + " customer="
        + customer
        + (licenseArn == null ? "" : " license=" + licenseArn)
        + (agreementId == null ? "" : " agreement=" + agreementId)
        + (agreementStatus == null ? "" : " status=" + agreementStatus);
  }
}
