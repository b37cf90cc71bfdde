package dev.hourmeter.workflows.activities;

import dev.hourmeter.workflows.model.activity.EntitlementRequest;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Reads a customer's entitlements with GetEntitlements (all pages). */
@ActivityInterface
public interface EntitlementActivities {

  @ActivityMethod(name = "CheckEntitlements")
  EntitlementSnapshot checkEntitlements(EntitlementRequest request);
}
