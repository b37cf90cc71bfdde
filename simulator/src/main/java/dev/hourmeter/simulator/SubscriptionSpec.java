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
 */
public record SubscriptionSpec(
    String productCode,
    CustomerId customer,
    List<String> dimensions,
    List<EntitlementSpec> entitlements,
    boolean subscribed) {

  public SubscriptionSpec {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customer, "customer");
    dimensions = List.copyOf(dimensions == null ? List.of() : dimensions);
    entitlements = List.copyOf(entitlements == null ? List.of() : entitlements);
  }

  /** A subscribed customer with the given dimensions and no explicit entitlements. */
  public static SubscriptionSpec of(String productCode, CustomerId customer, String... dimensions) {
    return new SubscriptionSpec(productCode, customer, List.of(dimensions), List.of(), true);
  }

  public SubscriptionSpec withEntitlements(List<EntitlementSpec> newEntitlements) {
    return new SubscriptionSpec(productCode, customer, dimensions, newEntitlements, subscribed);
  }

  public SubscriptionSpec withSubscribed(boolean newSubscribed) {
    return new SubscriptionSpec(productCode, customer, dimensions, entitlements, newSubscribed);
  }
}
