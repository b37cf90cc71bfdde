package dev.hourmeter.simulator;

import java.util.List;
import java.util.Optional;

/**
 * The Java API of purchase agreements, mirrored by {@code /_sim/agreements}: a buyer accepts an
 * agreement ({@link #create}), its entitlements change ({@link #amend}), it is renewed or replaced
 * by a new agreement ({@link #renew}, {@link #replace}), the buyer cancels it ({@link #end}); each
 * step publishes the lifecycle messages AWS would through the simulator's {@link
 * AgreementEventSink}. Obtained from {@link MarketplaceSimulator#agreements()}. Thread-safe.
 */
public final class SimulatorAgreements {

  /** In which order a renewal or replacement publishes its two EventBridge events. */
  public enum EventOrder {
    /** The old agreement's "Purchase Agreement Ended", then the new one's "Created" (default). */
    ENDED_FIRST,
    /** The new agreement's "Purchase Agreement Created", then the old one's "Ended". */
    CREATED_FIRST
  }

  /**
   * A renewal or replacement.
   *
   * @param predecessor the old agreement, its {@link Agreement#agreementStatus()} RENEWED or
   *     REPLACED, its {@link Agreement#successorId()} the new one's id
   * @param successor the new, active agreement of the same account and product
   */
  public record Succession(Agreement predecessor, Agreement successor) {}

  private final AgreementBook book;

  SimulatorAgreements(AgreementBook book) {
    this.book = book;
  }

  /**
   * Creates an agreement: subscribes the buyer (a LicenseArn for a concurrent-agreements product, a
   * CustomerIdentifier for a legacy one), issues a registration token valid for 4 hours of
   * simulator time, and publishes "Purchase Agreement Created - Manufacturer" (EventBridge) or
   * {@code subscribe-success} (SNS).
   *
   * @throws IllegalArgumentException when the product's kind refuses it
   */
  public Agreement create(AgreementSpec spec) {
    return create(spec, null);
  }

  /**
   * {@link #create(AgreementSpec)} with the CustomerIdentifier of a legacy product's buyer chosen
   * by the caller (readable names for demos; AWS assigns an opaque one, as a null here does).
   *
   * @throws IllegalArgumentException when {@code customerIdentifier} is given for a
   *     concurrent-agreements product, or is blank
   */
  public Agreement create(AgreementSpec spec, String customerIdentifier) {
    SpecValidation.validate(spec);
    if (customerIdentifier != null && customerIdentifier.isBlank()) {
      throw new IllegalArgumentException("customerIdentifier must not be blank");
    }
    return book.create(spec, customerIdentifier);
  }

  /**
   * Replaces the entitlements of an active agreement and publishes "License Updated - Manufacturer"
   * or {@code entitlement-updated}.
   */
  public Agreement amend(String agreementId, List<EntitlementSpec> entitlements) {
    return book.amend(agreementId, entitlements);
  }

  /**
   * Ends an active agreement as the buyer's cancellation (status CANCELLED): "Purchase Agreement
   * Ended - Manufacturer" or {@code unsubscribe-pending} now; one simulator period later "License
   * Deprovisioned - Manufacturer" or {@code unsubscribe-success}, after which the buyer's records
   * are refused.
   */
  public Agreement end(String agreementId) {
    return book.end(agreementId);
  }

  /**
   * Renews an active agreement into a new one of the same account, product and offer, which takes
   * over the buyer now; the old agreement's status becomes RENEWED.
   *
   * <p>Concurrent-agreements product: the new agreement holds a new LicenseArn, entitled from now
   * on, while the old license is no longer entitled (GetEntitlements) but still takes records for
   * one simulator period (its final window) until "License Deprovisioned - Manufacturer". Publishes
   * the old agreement's "Purchase Agreement Ended - Manufacturer" ({@code detail.agreement.status}
   * RENEWED) and the new one's "Purchase Agreement Created - Manufacturer" in {@code order}.
   *
   * <p>Legacy product: the buyer keeps its CustomerIdentifier and subscription, with the new
   * agreement's entitlements, and {@code entitlement-updated} is published; the old agreement ends
   * at once.
   *
   * @param entitlements the new agreement's entitlements, null for the old agreement's
   */
  public Succession renew(
      String agreementId, List<EntitlementSpec> entitlements, EventOrder order) {
    return succeed(agreementId, Agreement.AgreementStatus.RENEWED, entitlements, order);
  }

  /** {@link #renew(String, List, EventOrder)} with the same entitlements, Ended event first. */
  public Succession renew(String agreementId) {
    return renew(agreementId, null, EventOrder.ENDED_FIRST);
  }

  /**
   * Replaces an active agreement by a new one from another offer (status REPLACED); otherwise as
   * {@link #renew(String, List, EventOrder)} (the Created event's {@code detail.agreement.intent}
   * is REPLACE).
   */
  public Succession replace(
      String agreementId, List<EntitlementSpec> entitlements, EventOrder order) {
    return succeed(agreementId, Agreement.AgreementStatus.REPLACED, entitlements, order);
  }

  /** {@link #replace(String, List, EventOrder)} with the same entitlements, Ended event first. */
  public Succession replace(String agreementId) {
    return replace(agreementId, null, EventOrder.ENDED_FIRST);
  }

  private Succession succeed(
      String agreementId,
      Agreement.AgreementStatus reason,
      List<EntitlementSpec> entitlements,
      EventOrder order) {
    return book.succeed(
        agreementId,
        reason,
        entitlements == null ? null : List.copyOf(entitlements),
        order == null ? EventOrder.ENDED_FIRST : order);
  }

  /** The agreement, with a fresh registration token when the previous one expired. */
  public Optional<Agreement> get(String agreementId) {
    return book.get(agreementId);
  }

  public List<Agreement> all() {
    return book.all();
  }

  /**
   * Delivers the messages due by the simulator's clock now (the simulator also does it in the
   * background and before every AWS call); for tests that move a clock.
   */
  public void deliverDue() {
    book.deliverDue();
  }

  /** Where lifecycle messages go (an {@link InMemoryAgreementEventSink} unless configured). */
  public AgreementEventSink sink() {
    return book.sink();
  }
}
