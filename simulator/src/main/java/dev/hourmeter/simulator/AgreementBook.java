package dev.hourmeter.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Purchase agreements ({@code /_sim/agreements}): each one subscribes its buyer in the {@link
 * Catalog} (a license for a concurrent-agreements product, a CustomerIdentifier for a legacy one),
 * holds a registration token for ResolveCustomer, and publishes its lifecycle messages through the
 * {@link EventDelivery}. Ending it publishes the ending message now and the final one a period (of
 * the simulator) later, when the subscription stops: the buyer's records are refused from then on.
 * Renewing or replacing it hands the buyer over to a new agreement of the same account and product
 * (see {@link #succeed}).
 *
 * <p>State changes synchronize on the {@link SimulatorState} (as BatchMeterUsage does); messages
 * are handed to the sink after the lock is released, in order. Longer than 300 lines because each
 * lifecycle operation (create, amend, end, renew or replace, the final messages) changes the
 * agreement, the catalog and the messages together under that one lock; {@link AgreementIds} and
 * {@link RegistrationTokens} hold the rest.
 */
final class AgreementBook {

  static final Duration TOKEN_LIFETIME = Duration.ofHours(4);

  private static final String INTENT_NEW = "NEW";

  private record Due(Instant at, String agreementId) {}

  private record LegacyBuyer(String productCode, String customerIdentifier) {}

  private final SimulatorState state;
  private final AgreementEvents events;
  private final EventDelivery delivery;
  private final AgreementIds ids;
  private final Map<String, Agreement> agreements = new LinkedHashMap<>();
  private final RegistrationTokens tokens = new RegistrationTokens();
  private final List<Due> due = new ArrayList<>();

  /** The AWS account behind each legacy CustomerIdentifier (what ResolveCustomer answers). */
  private final Map<LegacyBuyer, String> legacyAccounts = new HashMap<>();

  AgreementBook(SimulatorState state, AgreementEventSink sink) {
    this.state = state;
    this.events = new AgreementEvents(state.config);
    this.delivery = new EventDelivery(sink, state.faults);
    this.ids = new AgreementIds(state.config.accountId());
  }

  AgreementEventSink sink() {
    return delivery.sink();
  }

  Agreement create(AgreementSpec spec, String customerIdentifier) {
    Agreement agreement;
    String message;
    synchronized (state) {
      Catalog catalog = state.catalog;
      boolean concurrent =
          catalog.hasProduct(spec.productCode())
              ? catalog.isConcurrentAgreements(spec.productCode())
              : spec.concurrentAgreements();
      if (!catalog.hasProduct(spec.productCode())) {
        catalog.registerProduct(
            new ProductSpec(spec.productCode(), spec.dimensions(), spec.concurrentAgreements()));
      }
      if (concurrent && customerIdentifier != null) {
        throw new IllegalArgumentException(
            "customerIdentifier: product "
                + spec.productCode()
                + " uses concurrent agreements: its buyers have no CustomerIdentifier");
      }
      Instant now = state.clock.now();
      String id = ids.agreementId();
      agreement =
          new Agreement(
              id,
              spec.productCode(),
              spec.accountId(),
              concurrent
                  ? null
                  : customerIdentifier != null ? customerIdentifier : ids.customerIdentifier(),
              concurrent ? ids.licenseArn() : null,
              ids.offerId(),
              spec.pricingModel(),
              spec.freeTrial(),
              spec.dimensions(),
              spec.entitlements(),
              ids.registrationToken(),
              now.plus(TOKEN_LIFETIME),
              Agreement.Status.ACTIVE,
              Agreement.AgreementStatus.ACTIVE,
              now,
              null,
              null,
              id,
              null,
              null);
      catalog.subscribe(subscription(agreement, true));
      keep(agreement);
      message =
          concurrent
              ? events.eventBridge(AgreementEvents.AGREEMENT_CREATED, agreement, INTENT_NEW, now)
              : events.sns(AgreementEvents.SUBSCRIBE_SUCCESS, agreement, now);
    }
    delivery.deliver(message);
    return agreement;
  }

  /** New entitlements for an active agreement; the buyer's GetEntitlements changes at once. */
  Agreement amend(String id, List<EntitlementSpec> entitlements) {
    Agreement amended;
    String message;
    synchronized (state) {
      Agreement agreement = active(id, "amend");
      amended = agreement.withEntitlements(entitlements);
      state.catalog.subscribe(subscription(amended, true));
      agreements.put(id, amended);
      Instant now = state.clock.now();
      message =
          amended.concurrentAgreements()
              ? events.eventBridge(AgreementEvents.LICENSE_UPDATED, amended, intent(amended), now)
              : events.sns(AgreementEvents.ENTITLEMENT_UPDATED, amended, now);
    }
    delivery.deliver(message);
    return amended;
  }

  /**
   * Ends an active agreement as the buyer's cancellation (CANCELLED): the ending message now, the
   * final one a period later.
   */
  Agreement end(String id) {
    Agreement ending;
    String message;
    synchronized (state) {
      Agreement agreement = active(id, "end");
      Instant now = state.clock.now();
      Instant finalAt = now.plus(state.config.period());
      ending = agreement.ending(Agreement.AgreementStatus.CANCELLED, now, finalAt, null);
      agreements.put(id, ending);
      due.add(new Due(finalAt, id));
      message =
          ending.concurrentAgreements()
              ? events.eventBridge(AgreementEvents.AGREEMENT_ENDED, ending, intent(ending), now)
              : events.sns(AgreementEvents.UNSUBSCRIBE_PENDING, ending, now);
    }
    delivery.deliver(message);
    return ending;
  }

  /**
   * Renews ({@code reason} RENEWED) or replaces (REPLACED) an active agreement: a new agreement of
   * the same account and product takes over its buyer now (the hand-over time), with {@code
   * entitlements} (null: the old agreement's). A renewal keeps the offer, a replacement comes from
   * another offer.
   *
   * <p>Concurrent-agreements product: the new agreement holds a new LicenseArn (nothing in it names
   * the old one), entitled from now on; the old license is no longer entitled (GetEntitlements
   * stops listing it) but still takes records for one period, its final window, until its "License
   * Deprovisioned" event, as after {@link #end}. The old agreement's "Purchase Agreement Ended"
   * (its {@code detail.agreement.status} RENEWED or REPLACED) and the new one's "Purchase Agreement
   * Created" are published in {@code order}.
   *
   * <p>Legacy product: the buyer keeps its CustomerIdentifier and stays subscribed; its
   * entitlements become the new agreement's, published as {@code entitlement-updated} (SNS says
   * nothing else about a renewal), and the old agreement is ENDED at once.
   */
  SimulatorAgreements.Succession succeed(
      String id,
      Agreement.AgreementStatus reason,
      List<EntitlementSpec> entitlements,
      SimulatorAgreements.EventOrder order) {
    if (reason != Agreement.AgreementStatus.RENEWED
        && reason != Agreement.AgreementStatus.REPLACED) {
      throw new IllegalArgumentException("a successor comes with RENEWED or REPLACED: " + reason);
    }
    boolean renewal = reason == Agreement.AgreementStatus.RENEWED;
    Agreement predecessor;
    Agreement successor;
    List<String> messages = new ArrayList<>();
    synchronized (state) {
      Agreement old = active(id, renewal ? "renew" : "replace");
      Instant now = state.clock.now();
      boolean concurrent = old.concurrentAgreements();
      String newId = ids.agreementId();
      successor =
          new Agreement(
              newId,
              old.productCode(),
              old.accountId(),
              old.customerIdentifier(),
              concurrent ? ids.licenseArn() : null,
              renewal ? old.offerId() : ids.offerId(),
              old.pricingModel(),
              false,
              old.dimensions(),
              entitlements == null ? old.entitlements() : entitlements,
              ids.registrationToken(),
              now.plus(TOKEN_LIFETIME),
              Agreement.Status.ACTIVE,
              Agreement.AgreementStatus.ACTIVE,
              now,
              null,
              null,
              old.initialAgreementId(),
              old.id(),
              null);
      Instant finalAt = concurrent ? now.plus(state.config.period()) : null;
      predecessor = old.ending(reason, now, finalAt, newId);
      agreements.put(old.id(), predecessor);
      keep(successor);
      state.catalog.subscribe(subscription(successor, true));
      if (concurrent) {
        state.catalog.endEntitlement(old.licenseArn());
        due.add(new Due(finalAt, old.id()));
        String ended =
            events.eventBridge(
                AgreementEvents.AGREEMENT_ENDED, predecessor, intent(predecessor), now);
        String created =
            events.eventBridge(
                AgreementEvents.AGREEMENT_CREATED, successor, intent(successor), now);
        messages.addAll(
            order == SimulatorAgreements.EventOrder.CREATED_FIRST
                ? List.of(created, ended)
                : List.of(ended, created));
      } else {
        messages.add(events.sns(AgreementEvents.ENTITLEMENT_UPDATED, successor, now));
      }
    }
    delivery.deliver(messages);
    return new SimulatorAgreements.Succession(predecessor, successor);
  }

  /**
   * Delivers what is due by the simulator's clock: the final message of each ended agreement (whose
   * subscription stops), and a message held back for reordering.
   */
  void deliverDue() {
    List<String> messages = new ArrayList<>();
    synchronized (state) {
      Instant now = state.clock.now();
      for (var it = due.iterator(); it.hasNext(); ) {
        Due next = it.next();
        if (next.at().isAfter(now)) {
          continue;
        }
        it.remove();
        Agreement agreement = agreements.get(next.agreementId());
        if (agreement == null || agreement.status() != Agreement.Status.ENDING) {
          continue;
        }
        Agreement ended = agreement.ended();
        agreements.put(ended.id(), ended);
        state.catalog.subscribe(subscription(ended, false));
        messages.add(
            ended.concurrentAgreements()
                ? events.eventBridge(
                    AgreementEvents.LICENSE_DEPROVISIONED, ended, intent(ended), next.at())
                : events.sns(AgreementEvents.UNSUBSCRIBE_SUCCESS, ended, next.at()));
      }
    }
    messages.forEach(delivery::deliver);
    delivery.releaseStale();
  }

  /**
   * The agreement, its registration token renewed when the old one expired (the old one then
   * answers ExpiredTokenException).
   */
  Optional<Agreement> get(String id) {
    synchronized (state) {
      Agreement agreement = agreements.get(id);
      if (agreement == null) {
        return Optional.empty();
      }
      Instant now = state.clock.now();
      if (!now.isBefore(agreement.tokenExpiresAt())) {
        agreement = agreement.withToken(ids.registrationToken(), now.plus(TOKEN_LIFETIME));
        keep(agreement);
      }
      return Optional.of(agreement);
    }
  }

  /** The agreement as it is (DescribeAgreement: no token renewal). */
  Optional<Agreement> find(String id) {
    synchronized (state) {
      return Optional.ofNullable(agreements.get(id));
    }
  }

  List<Agreement> all() {
    synchronized (state) {
      return List.copyOf(agreements.values());
    }
  }

  /**
   * The agreement a registration token resolves to.
   *
   * @throws ApiException InvalidTokenException for a token never issued, ExpiredTokenException for
   *     one past its 4 hours
   */
  Agreement resolve(String token) {
    synchronized (state) {
      return agreements.get(tokens.agreementId(token, state.clock.now()));
    }
  }

  /**
   * The AWS account of the buyer a legacy product's agreement gave {@code customerIdentifier} (the
   * pair ResolveCustomer answers), if an agreement did.
   */
  Optional<String> accountOf(String productCode, String customerIdentifier) {
    synchronized (state) {
      return Optional.ofNullable(
          legacyAccounts.get(new LegacyBuyer(productCode, customerIdentifier)));
    }
  }

  void clear() {
    synchronized (state) {
      agreements.clear();
      legacyAccounts.clear();
      tokens.clear();
      due.clear();
    }
    delivery.clear();
  }

  private Agreement active(String id, String action) {
    Agreement agreement = agreements.get(id);
    if (agreement == null) {
      throw new ControlException(404, "no agreement " + id);
    }
    if (agreement.status() != Agreement.Status.ACTIVE) {
      throw new ControlException(
          409, "agreement " + id + " is " + agreement.status() + ": cannot " + action + " it");
    }
    return agreement;
  }

  /** Stores the agreement and indexes its registration token. */
  private void keep(Agreement agreement) {
    agreements.put(agreement.id(), agreement);
    tokens.index(agreement);
    if (agreement.customerIdentifier() != null) {
      legacyAccounts.put(
          new LegacyBuyer(agreement.productCode(), agreement.customerIdentifier()),
          agreement.accountId());
    }
  }

  /**
   * The agreement's {@code detail.agreement.intent}: REPLACE for one made by a replacement, else
   * NEW (the model's Intent has NEW, AMEND and REPLACE; a renewal is a new agreement on the same
   * terms).
   */
  private String intent(Agreement agreement) {
    Agreement predecessor =
        agreement.predecessorId() == null ? null : agreements.get(agreement.predecessorId());
    return predecessor != null
            && predecessor.agreementStatus() == Agreement.AgreementStatus.REPLACED
        ? "REPLACE"
        : INTENT_NEW;
  }

  private static SubscriptionSpec subscription(Agreement agreement, boolean subscribed) {
    CustomerId customer =
        agreement.concurrentAgreements()
            ? CustomerId.awsAccount(agreement.accountId())
            : CustomerId.identifier(agreement.customerIdentifier());
    return new SubscriptionSpec(
        agreement.productCode(),
        customer,
        agreement.dimensions(),
        agreement.entitlements(),
        subscribed,
        agreement.licenseArn());
  }
}
