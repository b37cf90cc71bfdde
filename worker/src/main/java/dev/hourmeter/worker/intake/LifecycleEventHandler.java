package dev.hourmeter.worker.intake;

import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on one queue message: reads the event, finds the customer's workflow and makes the one
 * idempotent Temporal call the event asks for (docs/lifecycle-intake.md). The answer says what
 * becomes of the message: deleted only once its Temporal call succeeded; a message that cannot be
 * read, or names a product not known, is left for the queue's redrive policy (logged with its
 * message id and counted in {@value #REJECTED}); one whose Temporal call failed is retried later.
 */
public final class LifecycleEventHandler {

  private static final Logger log = LoggerFactory.getLogger(LifecycleEventHandler.class);

  /** Messages left for the redrive policy, tag {@code reason}: malformed or unknown_product. */
  public static final String REJECTED = "hourmeter_intake_messages_rejected";

  /** Messages acted on and deleted, tag {@code outcome}. */
  public static final String PROCESSED = "hourmeter_intake_messages_processed";

  /** Messages whose Temporal call failed (kept for a later try). */
  public static final String RETRIED = "hourmeter_intake_temporal_failures";

  /** What becomes of the message. */
  public enum Disposition {
    /** Acted on (or nothing to do): delete it. */
    DELETE,
    /** Cannot be acted on: leave it for the redrive policy (dead-letter queue). */
    LEAVE,
    /** Temporal did not take the call: make it visible again later. */
    RETRY
  }

  /** AgreementStatus values of an agreement that is no longer ACTIVE (AWS's enum, 2026-12). */
  static final Set<String> ENDED_STATUSES =
      Set.of(
          "ARCHIVED",
          "CANCELLED",
          "EXPIRED",
          "RENEWED",
          "REPLACED",
          "ROLLED_BACK",
          "SUPERSEDED",
          "TERMINATED");

  private final LifecycleMessageParser parser = new LifecycleMessageParser();
  private final KnownProducts products;
  private final LifecycleTemporal temporal;
  private final MeterRegistry registry;
  private final AgreementStatusLookup agreements;
  private final Clock clock;

  /** Without DescribeAgreement: an ended agreement's status comes from its event alone. */
  public LifecycleEventHandler(
      KnownProducts products, LifecycleTemporal temporal, MeterRegistry registry) {
    this(products, temporal, registry, null);
  }

  /**
   * @param agreements DescribeAgreement, asked why an agreement ended when its event does not say;
   *     null to go by the event alone
   */
  public LifecycleEventHandler(
      KnownProducts products,
      LifecycleTemporal temporal,
      MeterRegistry registry,
      AgreementStatusLookup agreements) {
    this(products, temporal, registry, agreements, Clock.systemUTC());
  }

  /**
   * @param clock now, for the hand-over time of an ended agreement whose event has no time or one
   *     in the future
   */
  public LifecycleEventHandler(
      KnownProducts products,
      LifecycleTemporal temporal,
      MeterRegistry registry,
      AgreementStatusLookup agreements,
      Clock clock) {
    this.products = products;
    this.temporal = temporal;
    this.registry = registry;
    this.agreements = agreements;
    this.clock = clock;
  }

  public Disposition handle(String messageId, String body) {
    LifecycleEvent event;
    try {
      event = parser.parse(body);
    } catch (MalformedMessageException e) {
      return reject(messageId, "malformed", e.getMessage());
    }
    if (event.action() == LifecycleAction.NOTHING) {
      log.info("message {}: {}: nothing to do", messageId, event);
      return processed("nothing");
    }
    if (event.productCode() != null && !products.knows(event.productCode())) {
      return reject(
          messageId, "unknown_product", "product " + event.productCode() + " is not known");
    }
    try {
      return act(messageId, event);
    } catch (MalformedMessageException e) {
      return reject(messageId, "malformed", e.getMessage());
    } catch (RuntimeException e) {
      log.warn(
          "message {}: {}: Temporal did not take the call, kept for a later try: {}",
          messageId,
          event,
          e.toString());
      registry.counter(RETRIED).increment();
      return Disposition.RETRY;
    }
  }

  private Disposition act(String messageId, LifecycleEvent event) throws MalformedMessageException {
    switch (event.action()) {
      case START -> {
        return start(messageId, event);
      }
      case START_OR_ENTITLEMENTS_CHANGED -> {
        if (temporal.signal(workflowId(event), "entitlementsChanged")) {
          log.info("message {}: {}: entitlementsChanged sent", messageId, event);
          return processed("signalled");
        }
        return start(messageId, event);
      }
      case ENTITLEMENTS_CHANGED -> {
        return signal(messageId, event, "entitlementsChanged");
      }
      case UNSUBSCRIBE -> {
        return signal(messageId, event, "unsubscribe");
      }
      case AGREEMENT_ENDED -> {
        return agreementEnded(messageId, event);
      }
      case SUBSCRIPTION_ENDED -> {
        return signal(messageId, event, "subscriptionEnded");
      }
      default -> throw new IllegalStateException("unhandled action " + event.action());
    }
  }

  private Disposition start(String messageId, LifecycleEvent event)
      throws MalformedMessageException {
    MeteringSubscription subscription;
    try {
      subscription =
          products
              .subscription(event.productCode(), customerOf(event))
              .orElseThrow(() -> new IllegalArgumentException("product not known"))
              .requireStartable();
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("cannot start " + event + ": " + e.getMessage());
    }
    LifecycleTemporal.StartOutcome outcome =
        temporal.start(subscription, event.time(), event.agreementId());
    log.info("message {}: {}: {}", messageId, event, outcome);
    return processed(outcome.name().toLowerCase(Locale.ROOT));
  }

  /**
   * Why did the agreement end? The event's status when it names an ended agreement's status, else
   * DescribeAgreement. A renewal, replacement or supersession of a license hands it over ({@code
   * agreementEnded}); anything else, or a status that cannot be learnt, ends metering ({@code
   * unsubscribe}). A DescribeAgreement failure that a retry can mend keeps the message.
   */
  private Disposition agreementEnded(String messageId, LifecycleEvent event)
      throws MalformedMessageException {
    String status = event.agreementStatus();
    if (status != null && !ENDED_STATUSES.contains(status.toUpperCase(Locale.ROOT))) {
      status = null; // ACTIVE on an ending, or not a status AWS has: ask AWS
    }
    if (status == null && event.agreementId() != null && agreements != null) {
      try {
        status = agreements.status(event.agreementId());
        log.info("message {}: DescribeAgreement {}: {}", messageId, event.agreementId(), status);
      } catch (MarketplaceCallException e) {
        if (e.retryable()) {
          log.warn(
              "message {}: {}: DescribeAgreement failed, kept for a later try: {}",
              messageId,
              event,
              e.getMessage());
          registry.counter(RETRIED).increment();
          return Disposition.RETRY;
        }
        log.warn(
            "message {}: {}: DescribeAgreement refused ({}); ending metering as a cancellation",
            messageId,
            event,
            e.getMessage());
        status = null;
      }
    }
    // An event naming only the agreement reaches its workflow by MeteringAgreement; an unlicensed
    // customer found that way ignores agreementEnded (its subscription goes on under SNS's terms).
    if (!AgreementEnd.handsOver(status)) {
      return signal(messageId, event, "unsubscribe");
    }
    // The hand-over time is the event's, never later than now: a time in the future (a forged or
    // broken event) would keep the old license billing after AWS stops taking its records.
    Instant now = clock.instant();
    Instant endedAt = event.time() == null || event.time().isAfter(now) ? now : event.time();
    AgreementEnd end = new AgreementEnd(event.agreementId(), status, endedAt);
    return signal(messageId, event, "agreementEnded", end);
  }

  private Disposition signal(String messageId, LifecycleEvent event, String signal)
      throws MalformedMessageException {
    return signal(messageId, event, signal, null);
  }

  private Disposition signal(String messageId, LifecycleEvent event, String signal, Object arg)
      throws MalformedMessageException {
    Optional<String> workflowId =
        event.identifiesCustomer()
            ? Optional.of(workflowId(event))
            : temporal.runningByAgreement(event.agreementId());
    if (workflowId.isPresent() && temporal.signal(workflowId.get(), signal, arg)) {
      log.info("message {}: {}: {} sent to {}", messageId, event, signal, workflowId.get());
      return processed("signalled");
    }
    log.info("message {}: {}: no running workflow, nothing to {}", messageId, event, signal);
    return processed("not_running");
  }

  private String workflowId(LifecycleEvent event) throws MalformedMessageException {
    return MeteringWorkflowIds.forCustomer(event.productCode(), customerOf(event));
  }

  private static CustomerId customerOf(LifecycleEvent event) throws MalformedMessageException {
    try {
      if (event.licenseArn() != null) {
        return CustomerId.licensed(event.customer(), event.licenseArn());
      }
      return CustomerId.parse(event.customer());
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("customer: " + e.getMessage());
    }
  }

  private Disposition processed(String outcome) {
    registry.counter(PROCESSED, "outcome", outcome).increment();
    return Disposition.DELETE;
  }

  private Disposition reject(String messageId, String reason, String why) {
    log.error(
        "message {} left for the queue's redrive policy (dead-letter queue): {}", messageId, why);
    registry.counter(REJECTED, "reason", reason).increment();
    return Disposition.LEAVE;
  }
}
