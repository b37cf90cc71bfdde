package dev.hourmeter.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One purchase agreement as the simulator holds it (a snapshot).
 *
 * @param id {@code agmt-...}
 * @param customerIdentifier the legacy CustomerIdentifier (legacy products), else null
 * @param licenseArn the granted license (concurrent-agreements products), else null
 * @param registrationToken the token the buyer's browser posts to the fulfillment URL; valid until
 *     {@code tokenExpiresAt} (4 hours of simulator time), then a new one is issued on request
 * @param status the simulator's lifecycle of the agreement (ACTIVE, ENDING, ENDED)
 * @param agreementStatus what DescribeAgreement reports: ACTIVE, then CANCELLED ({@code end}),
 *     RENEWED or REPLACED ({@code renew}, {@code replace}) from the moment it ends
 * @param endsAt when the agreement was ended (the ending event, or the hand-over to its successor),
 *     else null
 * @param deprovisionedAt when the final event is (or was) delivered, after which the license's
 *     records are refused; null while active, and for a legacy agreement handed over to its
 *     successor (the buyer stays subscribed)
 * @param initialAgreementId the first agreement of its chain of renewals and replacements (its own
 *     id when it was not derived from another), as DescribeAgreement's {@code initialAgreementId}
 * @param predecessorId the agreement this one renewed or replaced, else null
 * @param successorId the agreement that renewed or replaced this one, else null
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
    AgreementStatus agreementStatus,
    Instant createdAt,
    Instant endsAt,
    Instant deprovisionedAt,
    String initialAgreementId,
    String predecessorId,
    String successorId) {

  /** ACTIVE until ended; ENDING between the ending event and the final one; then ENDED. */
  public enum Status {
    ACTIVE,
    ENDING,
    ENDED
  }

  /**
   * The AWS agreement status (the AgreementStatus of the marketplace-agreement model) the simulator
   * reports: in DescribeAgreement's {@code status} and in the {@code detail.agreement.status} of
   * the agreement's EventBridge events.
   */
  public enum AgreementStatus {
    ACTIVE,
    /** The acceptor ended it before its end date ({@code /_sim/agreements/{id}/end}). */
    CANCELLED,
    /** Renewed into a new agreement ({@code /renew}). */
    RENEWED,
    /** Replaced by a new agreement from a replacement offer ({@code /replace}). */
    REPLACED
  }

  public Agreement {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(agreementStatus, "agreementStatus");
    dimensions = List.copyOf(dimensions);
    entitlements = List.copyOf(entitlements);
  }

  public boolean concurrentAgreements() {
    return licenseArn != null;
  }

  /** The agreement with new entitlements (an amendment). */
  Agreement withEntitlements(List<EntitlementSpec> newEntitlements) {
    return copy(
        newEntitlements,
        registrationToken,
        tokenExpiresAt,
        status,
        agreementStatus,
        endsAt,
        deprovisionedAt,
        successorId);
  }

  /** The agreement with a new registration token. */
  Agreement withToken(String token, Instant expiresAt) {
    return copy(
        entitlements,
        token,
        expiresAt,
        status,
        agreementStatus,
        endsAt,
        deprovisionedAt,
        successorId);
  }

  /**
   * The agreement ended at {@code at} with {@code reason}: ENDING until {@code finalAt} (the final
   * event), or ENDED at once when {@code finalAt} is null.
   */
  Agreement ending(AgreementStatus reason, Instant at, Instant finalAt, String successor) {
    return copy(
        entitlements,
        registrationToken,
        tokenExpiresAt,
        finalAt == null ? Status.ENDED : Status.ENDING,
        reason,
        at,
        finalAt,
        successor);
  }

  /** The agreement after its final event. */
  Agreement ended() {
    return copy(
        entitlements,
        registrationToken,
        tokenExpiresAt,
        Status.ENDED,
        agreementStatus,
        endsAt,
        deprovisionedAt,
        successorId);
  }

  private Agreement copy(
      List<EntitlementSpec> newEntitlements,
      String token,
      Instant tokenExpiry,
      Status newStatus,
      AgreementStatus newAgreementStatus,
      Instant newEndsAt,
      Instant newDeprovisionedAt,
      String newSuccessorId) {
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
        newAgreementStatus,
        createdAt,
        newEndsAt,
        newDeprovisionedAt,
        initialAgreementId,
        predecessorId,
        newSuccessorId);
  }
}
