package dev.hourmeter.activities.entitlements;

import dev.hourmeter.activities.aws.EntitlementItem;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.util.List;

/**
 * Where {@code CheckEntitlements} reads a customer's entitlements: {@link
 * dev.hourmeter.activities.aws.EntitlementService#getEntitlements(String, CustomerId)} one customer
 * a call, or an {@link EntitlementBatcher} that answers the customers checking at the same time
 * from shared calls.
 */
@FunctionalInterface
public interface EntitlementLookup {

  /**
   * The entitlements GetEntitlements returns for {@code customer} on {@code productCode} (all
   * pages; the caller keeps the ones of the customer's license).
   *
   * @throws MarketplaceCallException when AWS could not answer
   */
  List<EntitlementItem> entitlementsOf(String productCode, CustomerId customer);
}
