package dev.hourmeter.activities;

import dev.hourmeter.activities.aws.EntitlementItem;
import dev.hourmeter.activities.aws.EntitlementService;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.entitlements.EntitlementLookup;
import dev.hourmeter.workflows.activities.EntitlementActivities;
import dev.hourmeter.workflows.model.activity.EntitlementRequest;
import dev.hourmeter.workflows.model.activity.EntitlementSnapshot;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Reads a customer's entitlements with GetEntitlements (all pages), through an {@link
 * EntitlementLookup}: in a worker, the {@link
 * dev.hourmeter.activities.entitlements.EntitlementBatcher} that shares calls among customers
 * checking at the same time. The customer is entitled when at least one of its entitlements for the
 * product has not expired (no ExpirationDate, or one after now). {@code entitledQuantities} holds
 * each requested dimension's IntegerValue (other value kinds are ignored; with several active
 * entitlements for one dimension, the largest counts).
 */
public final class EntitlementActivitiesImpl implements EntitlementActivities {

  private static final Logger log = LoggerFactory.getLogger(EntitlementActivitiesImpl.class);

  private final EntitlementLookup entitlements;
  private final Clock clock;

  public EntitlementActivitiesImpl(EntitlementLookup entitlements) {
    this(entitlements, Clock.systemUTC());
  }

  /** One GetEntitlements per check, through {@code service}. */
  public EntitlementActivitiesImpl(EntitlementService service, Clock clock) {
    this(Objects.requireNonNull(service, "service")::getEntitlements, clock);
  }

  public EntitlementActivitiesImpl(EntitlementLookup entitlements, Clock clock) {
    this.entitlements = Objects.requireNonNull(entitlements, "entitlements");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public EntitlementSnapshot checkEntitlements(EntitlementRequest request) {
    Objects.requireNonNull(request, "request");
    List<EntitlementItem> items;
    try {
      items = entitlements.entitlementsOf(request.productCode(), request.customer());
    } catch (MarketplaceCallException e) {
      throw e.toActivityFailure();
    }
    EntitlementSnapshot snapshot = snapshot(request, items, clock.instant());
    // Routine answers at DEBUG: at 10,000 customers an INFO line per check is noise. Not entitled
    // is news.
    log.atLevel(snapshot.entitled() ? Level.DEBUG : Level.INFO)
        .log(
            "entitlements product={} customer={}: entitled={} quantities={} earliestExpiration={}{}",
            request.productCode(),
            request.customer(),
            snapshot.entitled(),
            snapshot.entitledQuantities(),
            snapshot.earliestExpiration(),
            snapshot.entitled() ? "" : " (" + snapshot.reason() + ")");
    return snapshot;
  }

  static EntitlementSnapshot snapshot(
      EntitlementRequest request, List<EntitlementItem> items, Instant now) {
    CustomerId customer = request.customer();
    List<EntitlementItem> mine =
        items.stream()
            .filter(e -> e.productCode() == null || e.productCode().equals(request.productCode()))
            .filter(e -> belongsTo(e, customer))
            .toList();
    if (mine.isEmpty()) {
      return new EntitlementSnapshot(
          false,
          "no entitlements for customer " + customer + " on product " + request.productCode(),
          Map.of(),
          null,
          now);
    }
    List<EntitlementItem> active = mine.stream().filter(e -> e.activeAt(now)).toList();
    if (active.isEmpty()) {
      Instant lastExpiry =
          mine.stream()
              .map(EntitlementItem::expirationDate)
              .filter(Objects::nonNull)
              .max(Comparator.naturalOrder())
              .orElse(null);
      return new EntitlementSnapshot(
          false,
          "all entitlements expired at "
              + lastExpiry
              + " (latest expiration; customer "
              + customer
              + ")",
          Map.of(),
          null,
          now);
    }
    Set<String> wanted = Set.copyOf(request.dimensions());
    Map<String, Long> quantities = new HashMap<>();
    for (EntitlementItem e : active) {
      if (e.integerValue() != null
          && e.dimension() != null
          && (wanted.isEmpty() || wanted.contains(e.dimension()))) {
        quantities.merge(e.dimension(), e.integerValue().longValue(), Math::max);
      }
    }
    Instant earliest =
        active.stream()
            .map(EntitlementItem::expirationDate)
            .filter(Objects::nonNull)
            .min(Comparator.naturalOrder())
            .orElse(null);
    return new EntitlementSnapshot(
        true, active.size() + " active entitlement(s)", quantities, earliest, now);
  }

  private static boolean belongsTo(EntitlementItem e, CustomerId customer) {
    String id = customer.hasAwsAccountId() ? e.customerAwsAccountId() : e.customerIdentifier();
    // The gateway filters by customer already; an entry without the id field is taken as the
    // filter's answer.
    if (id != null && !id.equals(customer.value())) {
      return false;
    }
    // Concurrent Agreements: one account may hold several licenses of the product; where AWS
    // names the entitlement's license, only the customer's own license counts.
    return !customer.hasLicense()
        || e.licenseArn() == null
        || e.licenseArn().equals(customer.licenseArn());
  }
}
