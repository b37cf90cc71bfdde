package dev.hourmeter.simulator;

import java.util.List;
import java.util.Optional;

/**
 * The Java API of purchase agreements, mirrored by {@code /_sim/agreements}: a buyer accepts an
 * agreement ({@link #create}), its entitlements change ({@link #amend}), it ends ({@link #end});
 * each step publishes the lifecycle message AWS would through the simulator's {@link
 * AgreementEventSink}. Obtained from {@link MarketplaceSimulator#agreements()}. Thread-safe.
 */
public final class SimulatorAgreements {

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
   * Ends an active agreement: "Purchase Agreement Ended - Manufacturer" or {@code
   * unsubscribe-pending} now; one simulator period later "License Deprovisioned - Manufacturer" or
   * {@code unsubscribe-success}, after which the buyer's records are refused.
   */
  public Agreement end(String agreementId) {
    return book.end(agreementId);
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
