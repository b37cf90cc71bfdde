package dev.hourmeter.simulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Products, their dimensions, and customer subscriptions with entitlements; for
 * concurrent-agreements products, the licenses. Thread-safe.
 *
 * <p>In auto-subscribe mode every customer not explicitly configured counts as subscribed to every
 * dimension of every product, and any license of a well-formed account is accepted (it belongs to
 * the first account that meters with it); explicit subscriptions (including {@code
 * subscribed=false}) still win.
 *
 * <p>A product is legacy, concurrent-agreements, or migrating (a legacy product that also holds
 * licenses: see {@link ProductSpec#migrating()}).
 *
 * <p>Longer than 300 lines because products, subscriptions, licenses and the auto-subscribe state
 * are one consistent whole under one lock: each change is checked against the others, and
 * GetEntitlements reads them all.
 */
final class Catalog {

  /** Dimension reported for auto-subscribed customers of a product with no known dimension. */
  static final String AUTO_DEFAULT_DIMENSION = "default";

  private static final String NO_LICENSE = "";

  record Key(String productCode, CustomerId customer) {}

  /** One entitlement as GetEntitlements reports it; {@code licenseArn} may be null. */
  record Entitled(
      String productCode, CustomerId customer, String licenseArn, EntitlementSpec entitlement) {}

  /** A license accepted in auto-subscribe mode: its account, and its product when known. */
  record AutoLicense(CustomerId account, String productCode) {}

  private final boolean autoSubscribe;
  private final Map<String, Set<String>> products = new LinkedHashMap<>();
  private final Set<String> concurrentProducts = new HashSet<>();
  private final Set<String> migratingProducts = new HashSet<>();

  /** Per product and customer: subscriptions by license ARN ({@code ""} for legacy). */
  private final Map<Key, Map<String, SubscriptionSpec>> subscriptions = new LinkedHashMap<>();

  private final Map<String, SubscriptionSpec> licenses = new HashMap<>();

  /**
   * Licenses handed over to a successor agreement: no longer entitled (GetEntitlements omits them),
   * still taking records until their subscription ends.
   */
  private final Set<String> handedOver = new HashSet<>();

  private final Set<Key> autoCustomers = new LinkedHashSet<>();
  private final Map<String, AutoLicense> autoLicenses = new HashMap<>();

  Catalog(boolean autoSubscribe) {
    this.autoSubscribe = autoSubscribe;
  }

  boolean autoSubscribe() {
    return autoSubscribe;
  }

  synchronized void registerProduct(ProductSpec product) {
    String code = product.productCode();
    if (product.concurrentAgreements() && !concurrentProducts.contains(code)) {
      if (migratingProducts.contains(code)) {
        throw new IllegalArgumentException(
            "product " + code + " is migrating: it cannot become concurrent-agreements");
      }
      requireNoLegacySubscription(code);
      concurrentProducts.add(code);
    }
    if (product.migrating() && !migratingProducts.contains(code)) {
      if (concurrentProducts.contains(code)) {
        throw new IllegalArgumentException(
            "product " + code + " uses Concurrent Agreements: it cannot be migrating");
      }
      migratingProducts.add(code);
    }
    products.computeIfAbsent(code, k -> new LinkedHashSet<>()).addAll(product.dimensions());
  }

  /**
   * Adds or replaces a subscription.
   *
   * @throws IllegalArgumentException when it would mix legacy and license subscriptions in one
   *     product, or grant a license already granted to another account or product
   */
  synchronized void subscribe(SubscriptionSpec spec) {
    String code = spec.productCode();
    String license = spec.licenseArn();
    boolean migrating = migratingProducts.contains(code);
    if (license != null) {
      if (!concurrentProducts.contains(code) && !migrating) {
        requireNoLegacySubscription(code);
      }
      SubscriptionSpec holder = licenses.get(license);
      if (holder != null
          && (!holder.productCode().equals(code) || !holder.customer().equals(spec.customer()))) {
        throw new IllegalArgumentException(
            "licenseArn "
                + license
                + " is already granted to account "
                + holder.customer().value()
                + " for product "
                + holder.productCode());
      }
      if (!migrating) {
        concurrentProducts.add(code);
      }
      licenses.put(license, spec);
      if (spec.subscribed()) {
        handedOver.remove(license);
      }
    } else if (concurrentProducts.contains(code)) {
      throw new IllegalArgumentException(
          "product "
              + code
              + " uses Concurrent Agreements: its subscriptions need a licenseArn (a product is"
              + " either legacy or concurrent-agreements)");
    }
    Set<String> dimensions = products.computeIfAbsent(code, k -> new LinkedHashSet<>());
    dimensions.addAll(spec.dimensions());
    spec.entitlements().forEach(e -> dimensions.add(e.dimension()));
    Key key = new Key(code, spec.customer());
    subscriptions
        .computeIfAbsent(key, k -> new LinkedHashMap<>())
        .put(license == null ? NO_LICENSE : license, spec);
    autoCustomers.remove(key);
  }

  private void requireNoLegacySubscription(String productCode) {
    boolean legacy =
        subscriptions.entrySet().stream()
            .anyMatch(
                e ->
                    e.getKey().productCode().equals(productCode)
                        && e.getValue().containsKey(NO_LICENSE));
    if (legacy) {
      throw new IllegalArgumentException(
          "product "
              + productCode
              + " is legacy: it has subscriptions without a licenseArn (a product is either"
              + " legacy or concurrent-agreements)");
    }
  }

  /**
   * The license's entitlements end now (a renewal or replacement handed its buyer over to another
   * license): GetEntitlements no longer lists it; its records are accepted while its subscription
   * lasts (the final window).
   */
  synchronized void endEntitlement(String licenseArn) {
    handedOver.add(licenseArn);
  }

  synchronized boolean hasProduct(String productCode) {
    return products.containsKey(productCode);
  }

  synchronized boolean isConcurrentAgreements(String productCode) {
    return concurrentProducts.contains(productCode);
  }

  synchronized boolean hasDimension(String productCode, String dimension) {
    Set<String> dimensions = products.get(productCode);
    return dimensions != null && dimensions.contains(dimension);
  }

  /** Legacy subscriptions: is the customer subscribed to the product? */
  synchronized boolean isSubscribed(String productCode, CustomerId customer) {
    Map<String, SubscriptionSpec> specs = subscriptions.get(new Key(productCode, customer));
    SubscriptionSpec spec = specs == null ? null : specs.get(NO_LICENSE);
    return spec != null ? spec.subscribed() : autoSubscribe;
  }

  /** The explicit subscription that holds {@code licenseArn}. */
  synchronized Optional<SubscriptionSpec> license(String licenseArn) {
    return Optional.ofNullable(licenses.get(licenseArn));
  }

  /** Auto-subscribe mode: the license as first metered, if it was. */
  synchronized Optional<AutoLicense> autoLicense(String licenseArn) {
    return Optional.ofNullable(autoLicenses.get(licenseArn));
  }

  /** Auto-subscribe mode: binds a license no subscription holds to the account metering with it. */
  synchronized void noteAutoLicense(String licenseArn, CustomerId account, String productCode) {
    if (autoSubscribe && !licenses.containsKey(licenseArn)) {
      autoLicenses.putIfAbsent(licenseArn, new AutoLicense(account, productCode));
    }
  }

  /** Auto-subscribe mode: remembers a metered customer so GetEntitlements can list it. */
  synchronized void noteMeteredCustomer(String productCode, CustomerId customer) {
    Key key = new Key(productCode, customer);
    if (autoSubscribe && !subscriptions.containsKey(key)) {
      autoCustomers.add(key);
    }
  }

  /**
   * The entitlements a request pages through, in a stable order, before filtering: those of {@code
   * namedCustomers} (the customers a request's filter names) when it names any, else every
   * entitlement of the product. In auto-subscribe mode a named customer without an explicit
   * subscription counts as auto-subscribed.
   */
  synchronized List<Entitled> entitlements(
      String productCode, Collection<CustomerId> namedCustomers) {
    if (!namedCustomers.isEmpty()) {
      return entitlementsOf(productCode, new LinkedHashSet<>(namedCustomers));
    }
    List<Entitled> result = new ArrayList<>();
    Set<String> productDimensions = products.getOrDefault(productCode, Set.of());
    Set<CustomerId> listed = new LinkedHashSet<>();
    for (Map.Entry<Key, Map<String, SubscriptionSpec>> entry : subscriptions.entrySet()) {
      if (entry.getKey().productCode().equals(productCode)) {
        listed.add(entry.getKey().customer());
        entry.getValue().values().forEach(spec -> addSubscribed(result, spec, productDimensions));
      }
    }
    if (autoSubscribe) {
      Set<CustomerId> auto = new LinkedHashSet<>();
      autoCustomers.stream()
          .filter(k -> k.productCode().equals(productCode))
          .forEach(k -> auto.add(k.customer()));
      auto.removeAll(listed);
      for (CustomerId customer : auto) {
        addBooleanEntitlements(result, productCode, customer, null, productDimensions, true);
      }
    }
    return result;
  }

  /** The customers holding the given licenses, for a request that filters by license only. */
  synchronized List<CustomerId> holders(Collection<String> licenseArns) {
    List<CustomerId> holders = new ArrayList<>();
    for (String arn : licenseArns) {
      SubscriptionSpec spec = licenses.get(arn);
      if (spec != null && !holders.contains(spec.customer())) {
        holders.add(spec.customer());
      }
    }
    return holders;
  }

  /**
   * The entitlements of the named customers only, in the order named: a lookup by customer, as the
   * real service indexes them, so one customer's check costs as many pages as that customer has
   * entitlements, however many customers the product has.
   */
  private List<Entitled> entitlementsOf(String productCode, Set<CustomerId> customers) {
    List<Entitled> result = new ArrayList<>();
    Set<String> productDimensions = products.getOrDefault(productCode, Set.of());
    for (CustomerId customer : customers) {
      Map<String, SubscriptionSpec> specs = subscriptions.get(new Key(productCode, customer));
      if (specs != null) {
        specs.values().forEach(spec -> addSubscribed(result, spec, productDimensions));
      } else if (autoSubscribe) {
        addBooleanEntitlements(result, productCode, customer, null, productDimensions, true);
      }
    }
    return result;
  }

  private void addSubscribed(
      List<Entitled> out, SubscriptionSpec spec, Set<String> productDimensions) {
    if (!spec.subscribed() || handedOver.contains(spec.licenseArn())) {
      return;
    }
    if (!spec.entitlements().isEmpty()) {
      spec.entitlements()
          .forEach(
              e ->
                  out.add(new Entitled(spec.productCode(), spec.customer(), spec.licenseArn(), e)));
    } else {
      Collection<String> dims = spec.dimensions().isEmpty() ? productDimensions : spec.dimensions();
      addBooleanEntitlements(
          out, spec.productCode(), spec.customer(), spec.licenseArn(), dims, false);
    }
  }

  private static void addBooleanEntitlements(
      List<Entitled> out,
      String productCode,
      CustomerId customer,
      String licenseArn,
      Collection<String> dimensions,
      boolean atLeastOne) {
    Collection<String> dims =
        dimensions.isEmpty() && atLeastOne ? List.of(AUTO_DEFAULT_DIMENSION) : dimensions;
    for (String dimension : dims) {
      out.add(
          new Entitled(
              productCode, customer, licenseArn, EntitlementSpec.ofBoolean(dimension, true, null)));
    }
  }

  synchronized List<ProductSpec> products() {
    return products.entrySet().stream()
        .map(
            e ->
                new ProductSpec(
                    e.getKey(),
                    List.copyOf(e.getValue()),
                    concurrentProducts.contains(e.getKey()),
                    migratingProducts.contains(e.getKey())))
        .toList();
  }

  synchronized List<SubscriptionSpec> subscriptions() {
    return subscriptions.values().stream().flatMap(m -> m.values().stream()).toList();
  }

  synchronized void clear() {
    products.clear();
    concurrentProducts.clear();
    migratingProducts.clear();
    subscriptions.clear();
    licenses.clear();
    handedOver.clear();
    autoCustomers.clear();
    autoLicenses.clear();
  }
}
