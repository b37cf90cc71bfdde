package dev.hourmeter.workflows.model.activity;

import dev.hourmeter.workflows.model.api.CustomerId;
import java.util.List;

/** Ask GetEntitlements about one customer of one product. */
public record EntitlementRequest(String productCode, CustomerId customer, List<String> dimensions) {

  public EntitlementRequest {
    dimensions = List.copyOf(dimensions);
  }
}
