package dev.hourmeter.simulator;

import java.util.List;
import java.util.Objects;

/**
 * A customer's subscription to a product. Registering it also registers the product and the union
 * of {@code dimensions} and the entitlements' dimensions.
 *
 * <p>When {@code entitlements} is empty, a subscribed customer is reported by GetEntitlements with
 * one {@code BooleanValue=true} entitlement (no expiration) per subscribed dimension (or, when the
 * subscription lists no dimensions, per dimension of the product). {@code subscribed=false} makes
 * usage records come back as {@code CustomerNotSubscribed} and GetEntitlements return nothing for
 * the customer.
 *
 * <p>With a {@code licenseArn} it is one agreement (license) of an AWS account for a
 * concurrent-agreements product: the account may hold several for the same product, records carry
 * the LicenseArn instead of the request's ProductCode, and the customer must be an AWS account id.
 * A product is either legacy (no subscription has a license) or concurrent-agreements (every
 * subscription has one).
 *
 * @param licenseArn the granted license, or null for a legacy subscription
 */
public record SubscriptionSpec(
    String productCode,
    CustomerId customer,
    List<String> dimensions,
    List<EntitlementSpec> entitlements,
    boolean subscribed,
    String licenseArn) {

  public SubscriptionSpec {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customer, "customer");
    dimensions = List.copyOf(dimensions == null ? List.of() : dimensions);
    entitlements = List.copyOf(entitlements == null ? List.of() : entitlements);
  }

  /** A legacy subscription (no license). */
  public SubscriptionSpec(
      String productCode,
      CustomerId customer,
      List<String> dimensions,
      List<EntitlementSpec> entitlements,
      boolean subscribed) {
    this(productCode, customer, dimensions, entitlements, subscribed, null);
  }

  /** A subscribed customer with the given dimensions and no explicit entitlements. */
  public static SubscriptionSpec of(String productCode, CustomerId customer, String... dimensions) {
    return new SubscriptionSpec(productCode, customer, List.of(dimensions), List.of(), true);
  }

  /**
   * One license of {@code accountId} for a concurrent-agreements product, subscribed, with the
   * given dimensions and no explicit entitlements.
   */
  public static SubscriptionSpec ofLicense(
      String productCode, String accountId, String licenseArn, String... dimensions) {
    return new SubscriptionSpec(
        productCode,
        CustomerId.awsAccount(accountId),
        List.of(dimensions),
        List.of(),
        true,
        Objects.requireNonNull(licenseArn, "licenseArn"));
  }

  public SubscriptionSpec withEntitlements(List<EntitlementSpec> newEntitlements) {
    return new SubscriptionSpec(
        productCode, customer, dimensions, newEntitlements, subscribed, licenseArn);
  }

  public SubscriptionSpec withSubscribed(boolean newSubscribed) {
    return new SubscriptionSpec(
        productCode, customer, dimensions, entitlements, newSubscribed, licenseArn);
  }

  public SubscriptionSpec withLicenseArn(String newLicenseArn) {
    return new SubscriptionSpec(
        productCode, customer, dimensions, entitlements, subscribed, newLicenseArn);
  }
}
