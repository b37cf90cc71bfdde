package dev.hourmeter.simulator;

import java.util.List;
import java.util.Objects;

/**
 * What a buyer accepts ({@code POST /_sim/agreements}).
 *
 * @param productCode a product of the simulator; unknown products are registered, legacy unless
 *     {@code concurrentAgreements}
 * @param accountId the buyer's AWS account id, 12 digits
 * @param dimensions subscribed dimensions (empty: every dimension of the product)
 * @param entitlements what GetEntitlements reports (empty: a boolean entitlement per dimension)
 * @param pricingModel SUBSCRIPTION or CONTRACT, informative (reported back)
 * @param concurrentAgreements for a product the simulator does not know yet: register it as
 *     concurrent-agreements (LicenseArn, EventBridge) rather than legacy (CustomerIdentifier, SNS)
 * @param freeTrial the offer is a free trial (SNS {@code isFreeTrialTermPresent})
 */
public record AgreementSpec(
    String productCode,
    String accountId,
    List<String> dimensions,
    List<EntitlementSpec> entitlements,
    String pricingModel,
    boolean concurrentAgreements,
    boolean freeTrial) {

  public AgreementSpec {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(accountId, "accountId");
    dimensions = List.copyOf(dimensions == null ? List.of() : dimensions);
    entitlements = List.copyOf(entitlements == null ? List.of() : entitlements);
    pricingModel = pricingModel == null ? "SUBSCRIPTION" : pricingModel;
    if (!accountId.matches("[0-9]{12}")) {
      throw new IllegalArgumentException(
          "customerAWSAccountId must be 12 digits, got '" + accountId + "'");
    }
    if (!pricingModel.equals("SUBSCRIPTION") && !pricingModel.equals("CONTRACT")) {
      throw new IllegalArgumentException(
          "pricingModel must be SUBSCRIPTION or CONTRACT, got '" + pricingModel + "'");
    }
  }

  /** An agreement of {@code accountId} for {@code productCode} on the given dimensions. */
  public static AgreementSpec of(String productCode, String accountId, String... dimensions) {
    return new AgreementSpec(
        productCode, accountId, List.of(dimensions), List.of(), null, false, false);
  }
}
