package dev.hourmeter.simulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Products, their dimensions, and customer subscriptions with entitlements. Thread-safe.
 *
 * <p>In auto-subscribe mode every customer not explicitly configured counts as subscribed to every
 * dimension of every product; explicit subscriptions (including {@code subscribed=false}) still
 * win.
 */
final class Catalog {

  /** Dimension reported for auto-subscribed customers of a product with no known dimension. */
  static final String AUTO_DEFAULT_DIMENSION = "default";

  record Key(String productCode, CustomerId customer) {}

  /** One entitlement as GetEntitlements reports it. */
  record Entitled(String productCode, CustomerId customer, EntitlementSpec entitlement) {}

  private final boolean autoSubscribe;
  private final Map<String, Set<String>> products = new LinkedHashMap<>();
  private final Map<Key, SubscriptionSpec> subscriptions = new LinkedHashMap<>();
  private final Set<Key> autoCustomers = new LinkedHashSet<>();

  Catalog(boolean autoSubscribe) {
    this.autoSubscribe = autoSubscribe;
  }

  boolean autoSubscribe() {
    return autoSubscribe;
  }

  synchronized void registerProduct(ProductSpec product) {
    products
        .computeIfAbsent(product.productCode(), k -> new LinkedHashSet<>())
        .addAll(product.dimensions());
  }

  synchronized void subscribe(SubscriptionSpec spec) {
    Set<String> dimensions =
        products.computeIfAbsent(spec.productCode(), k -> new LinkedHashSet<>());
    dimensions.addAll(spec.dimensions());
    spec.entitlements().forEach(e -> dimensions.add(e.dimension()));
    Key key = new Key(spec.productCode(), spec.customer());
    subscriptions.put(key, spec);
    autoCustomers.remove(key);
  }

  synchronized boolean hasProduct(String productCode) {
    return products.containsKey(productCode);
  }

  synchronized boolean hasDimension(String productCode, String dimension) {
    Set<String> dimensions = products.get(productCode);
    return dimensions != null && dimensions.contains(dimension);
  }

  synchronized boolean isSubscribed(String productCode, CustomerId customer) {
    SubscriptionSpec spec = subscriptions.get(new Key(productCode, customer));
    return spec != null ? spec.subscribed() : autoSubscribe;
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
    for (SubscriptionSpec spec : subscriptions.values()) {
      if (spec.productCode().equals(productCode)) {
        listed.add(spec.customer());
        addSubscribed(result, spec, productDimensions);
      }
    }
    if (autoSubscribe) {
      Set<CustomerId> auto = new LinkedHashSet<>();
      autoCustomers.stream()
          .filter(k -> k.productCode().equals(productCode))
          .forEach(k -> auto.add(k.customer()));
      auto.removeAll(listed);
      for (CustomerId customer : auto) {
        addBooleanEntitlements(result, productCode, customer, productDimensions, true);
      }
    }
    return result;
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
      SubscriptionSpec spec = subscriptions.get(new Key(productCode, customer));
      if (spec != null) {
        addSubscribed(result, spec, productDimensions);
      } else if (autoSubscribe) {
        addBooleanEntitlements(result, productCode, customer, productDimensions, true);
      }
    }
    return result;
  }

  private static void addSubscribed(
      List<Entitled> out, SubscriptionSpec spec, Set<String> productDimensions) {
    if (!spec.subscribed()) {
      return;
    }
    if (!spec.entitlements().isEmpty()) {
      spec.entitlements()
          .forEach(e -> out.add(new Entitled(spec.productCode(), spec.customer(), e)));
    } else {
      Collection<String> dims = spec.dimensions().isEmpty() ? productDimensions : spec.dimensions();
      addBooleanEntitlements(out, spec.productCode(), spec.customer(), dims, false);
    }
  }

  private static void addBooleanEntitlements(
      List<Entitled> out,
      String productCode,
      CustomerId customer,
      Collection<String> dimensions,
      boolean atLeastOne) {
    Collection<String> dims =
        dimensions.isEmpty() && atLeastOne ? List.of(AUTO_DEFAULT_DIMENSION) : dimensions;
    for (String dimension : dims) {
      out.add(
          new Entitled(productCode, customer, EntitlementSpec.ofBoolean(dimension, true, null)));
    }
  }

  synchronized List<ProductSpec> products() {
    return products.entrySet().stream()
        .map(e -> new ProductSpec(e.getKey(), List.copyOf(e.getValue())))
        .toList();
  }

  synchronized List<SubscriptionSpec> subscriptions() {
    return List.copyOf(subscriptions.values());
  }

  synchronized void clear() {
    products.clear();
    subscriptions.clear();
    autoCustomers.clear();
  }
}
