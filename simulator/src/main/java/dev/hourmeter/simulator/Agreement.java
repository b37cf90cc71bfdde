package dev.hourmeter.simulator;

import java.time.Instant;
import java.util.List;

/**
 * One purchase agreement as the simulator holds it (a snapshot).
 *
 * @param id {@code agmt-...}
 * @param customerIdentifier the legacy CustomerIdentifier (legacy products), else null
 * @param licenseArn the granted license (concurrent-agreements products), else null
 * @param registrationToken the token the buyer's browser posts to the fulfillment URL; valid until
 *     {@code tokenExpiresAt} (4 hours of simulator time), then a new one is issued on request
 * @param endsAt when the agreement was ended (the ending event), else null
 * @param deprovisionedAt when the final event is (or was) delivered, after which the license's
 *     records are refused; null while active
 */
public record Agreement(
    String id,
    String productCode,
    String accountId,
    String customerIdentifier,
    String licenseArn,
    String offerId,
    String pricingModel,
    boolean freeTrial,
    List<String> dimensions,
    List<EntitlementSpec> entitlements,
    String registrationToken,
    Instant tokenExpiresAt,
    Status status,
    Instant createdAt,
    Instant endsAt,
    Instant deprovisionedAt) {

  /** ACTIVE until ended; ENDING between the ending event and the final one; then ENDED. */
  public enum Status {
    ACTIVE,
    ENDING,
    ENDED
  }

  public Agreement {
    dimensions = List.copyOf(dimensions);
    entitlements = List.copyOf(entitlements);
  }

  public boolean concurrentAgreements() {
    return licenseArn != null;
  }

  Agreement with(
      List<EntitlementSpec> newEntitlements,
      String token,
      Instant tokenExpiry,
      Status newStatus,
      Instant newEndsAt,
      Instant newDeprovisionedAt) {
    return new Agreement(
        id,
        productCode,
        accountId,
        customerIdentifier,
        licenseArn,
        offerId,
        pricingModel,
        freeTrial,
        dimensions,
        newEntitlements,
        token,
        tokenExpiry,
        newStatus,
        createdAt,
        newEndsAt,
        newDeprovisionedAt);
  }
}
