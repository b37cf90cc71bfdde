package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.CustomerId;

/**
 * Workflow ids: one workflow per product and customer, {@code metering/<productCode>/<customer>}.
 */
public final class MeteringWorkflowIds {

  public static final String PREFIX = "metering/";

  private MeteringWorkflowIds() {}

  public static String forCustomer(String productCode, CustomerId customer) {
    return forCustomer(productCode, customer.value());
  }

  public static String forCustomer(String productCode, String customer) {
    return PREFIX + productCode + "/" + customer;
  }
}
