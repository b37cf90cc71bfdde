package dev.hourmeter.simulator;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local AWS Marketplace: BatchMeterUsage, GetEntitlements, ResolveCustomer and CloudTrail
 * LookupEvents over AWS JSON 1.1, DescribeAgreement over AWS JSON 1.0 (point the AWS SDK's {@code
 * endpointOverride} at {@link #endpoint()}), plus a JSON control API under {@code /_sim/} mirrored
 * by the Java methods of this class. Thread-safe.
 *
 * <pre>{@code
 * try (var sim = MarketplaceSimulator.builder().clock(testClock).build().start()) {
 *     sim.subscribe(SubscriptionSpec.of("prod", CustomerId.awsAccount("111122223333"), "requests"));
 *     ... MarketplaceMeteringClient.builder().endpointOverride(sim.endpoint()) ...
 * }
 * }</pre>
 *
 * <p>Longer than the usual 300 lines because it is the simulator's whole public surface in one
 * place: lifecycle, the control API's Java mirror and the builder of every option ({@link
 * SimulatorServer} runs the server).
 */
public final class MarketplaceSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MarketplaceSimulator.class);

  private final SimulatorConfig config;
  private final SimulatorState state;
  private final SimulatorAgreements agreements;
  private SimulatorServer server;

  private MarketplaceSimulator(
      SimulatorConfig config,
      Supplier<Instant> clock,
      AgreementEventSink eventSink,
      List<ProductSpec> products) {
    this.config = config;
    this.state =
        new SimulatorState(config, new SimulatorClock(clock, config.period()), eventSink, products);
    this.agreements = new SimulatorAgreements(state.agreements);
  }

  public static Builder builder() {
    return new Builder();
  }

  public SimulatorConfig config() {
    return config;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /** Binds and starts serving; returns this. */
  public synchronized MarketplaceSimulator start() {
    if (server != null) {
      throw new IllegalStateException("simulator already started");
    }
    server = SimulatorServer.start(config, state, this);
    LOG.info(
        "AWS Marketplace simulator listening on {} (period {}, window {}, CloudTrail delay {}{})",
        endpoint(),
        config.period(),
        config.window(),
        config.cloudTrailDelay(),
        config.autoSubscribe() ? ", auto-subscribe" : "");
    return this;
  }

  /** Stops the server immediately. Idempotent. */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.stop();
    server = null;
    LOG.debug("AWS Marketplace simulator stopped");
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The bound port (the real one when configured with port 0). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("simulator not started");
    }
    return server.port();
  }

  /** {@code http://HOST:PORT}, for the AWS SDK's endpointOverride. */
  public URI endpoint() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return URI.create("http://" + host + ":" + port());
  }

  // ---- control API (mirrors /_sim/...) --------------------------------------------------------

  /** Registers a product and dimensions (union with any known ones). */
  public void registerProduct(ProductSpec product) {
    SpecValidation.validate(product);
    state.catalog.registerProduct(product);
  }

  /** Adds or replaces a customer's subscription; registers its product and dimensions too. */
  public void subscribe(SubscriptionSpec subscription) {
    SpecValidation.validate(subscription);
    synchronized (state) {
      state.catalog.subscribe(subscription);
    }
  }

  public List<SubscriptionSpec> subscriptions() {
    return state.catalog.subscriptions();
  }

  public List<ProductSpec> products() {
    return state.catalog.products();
  }

  /** Replaces the injected faults (counters start afresh). */
  public void setFaults(FaultSpec faults) {
    state.faults.set(Objects.requireNonNull(faults, "faults"));
  }

  /** The injected faults, with the remaining {@code *Next} counts. */
  public FaultSpec faults() {
    return state.faults.current();
  }

  public void clearFaults() {
    state.faults.clear();
  }

  /** Purchase agreements: create, amend and end them; their lifecycle messages. */
  public SimulatorAgreements agreements() {
    return agreements;
  }

  /** Every billed record, in acceptance order. */
  public List<LedgerEntry> ledger() {
    return state.ledger.entries();
  }

  /** Billed records filtered by product and/or customer id value (null = any). */
  public List<LedgerEntry> ledger(String productCode, String customer) {
    return ledger(productCode, customer, null);
  }

  /** Billed records filtered by product, customer id value and/or license ARN (null = any). */
  public List<LedgerEntry> ledger(String productCode, String customer, String licenseArn) {
    return state.ledger.entries().stream()
        .filter(e -> productCode == null || productCode.equals(e.productCode()))
        .filter(e -> customer == null || e.customer().value().equals(customer))
        .filter(e -> licenseArn == null || licenseArn.equals(e.licenseArn()))
        .toList();
  }

  /**
   * How many usage records arrived with a field AWS deprecated on 2026-10-20 ({@code Quantity}, or
   * {@code AllocatedUsageQuantity} in an allocation), in well-formed BatchMeterUsage requests,
   * billed or not, since start or the last reset. Such records are still accepted, as AWS does.
   */
  public long deprecatedQuantityRecords() {
    return state.ledger.deprecatedQuantityRecords();
  }

  /**
   * How many billed records arrived for a buyer, product and hour the ledger already billed under
   * the other identity kind (ProductCode with CustomerIdentifier or an account without license,
   * versus LicenseArn), since start or the last reset: AWS bills both (double billing). Each is
   * flagged {@link LedgerEntry#identityOverlap()}. A CustomerIdentifier counts as its buyer's
   * account only when an agreement of the simulator issued it.
   */
  public long identityOverlaps() {
    return state.ledger.identityOverlaps();
  }

  /** Every AWS API request received, in order. */
  public List<RequestLogEntry> requestLog() {
    return state.requests.snapshot();
  }

  public void clearRequestLog() {
    state.requests.clear();
  }

  /** Every recorded CloudTrail event JSON, oldest first, including those not delivered yet. */
  public List<String> cloudTrailEvents() {
    return state.cloudTrail.all().stream()
        .map(CloudTrailStore.StoredEvent::cloudTrailEvent)
        .toList();
  }

  /**
   * Forgets subscriptions, products (except those of {@link Builder#product}), agreements, ledger,
   * CloudTrail events, faults, the request log and rate windows (not the messages an event sink
   * already received).
   */
  public void reset() {
    state.reset();
    LOG.debug("AWS Marketplace simulator reset");
  }

  // ---- builder -------------------------------------------------------------------------------

  /**
   * Defaults: 127.0.0.1, ephemeral port, PT1H period, a window of 24 periods, system clock, 10/2
   * TPS.
   */
  public static final class Builder {
    private String host = SimulatorConfig.DEFAULT_HOST;
    private int port;
    private Duration period = SimulatorConfig.DEFAULT_PERIOD;
    private Duration window;
    private Integer windowPeriods;
    private Duration futureSkew = SimulatorConfig.DEFAULT_FUTURE_SKEW;
    private Duration cloudTrailDelay;
    private boolean autoSubscribe;
    private int meteringTps = SimulatorConfig.DEFAULT_METERING_TPS;
    private int lookupTps = SimulatorConfig.DEFAULT_LOOKUP_TPS;
    private String region = SimulatorConfig.DEFAULT_REGION;
    private String accountId = SimulatorConfig.DEFAULT_ACCOUNT_ID;
    private Supplier<Instant> clock = Instant::now;
    private AgreementEventSink eventSink;
    private final Map<String, ProductSpec> products = new LinkedHashMap<>();

    private Builder() {}

    /**
     * A product of the simulator's catalog from the start (and again after {@link #reset()}): its
     * kind (legacy, concurrent-agreements, migrating) decides what its agreements are, whatever
     * agreement comes first. Given again for the same product code, the last one counts.
     *
     * @throws IllegalArgumentException for an invalid product
     */
    public Builder product(ProductSpec value) {
      SpecValidation.validate(Objects.requireNonNull(value, "product"));
      products.put(value.productCode(), value);
      return this;
    }

    /** {@link #product(ProductSpec)} for each of {@code values}. */
    public Builder products(Collection<ProductSpec> values) {
      values.forEach(this::product);
      return this;
    }

    /**
     * Where agreement lifecycle messages go (default: a new {@link InMemoryAgreementEventSink}).
     */
    public Builder eventSink(AgreementEventSink value) {
      this.eventSink = Objects.requireNonNull(value, "eventSink");
      return this;
    }

    public Builder host(String value) {
      this.host = value;
      return this;
    }

    /** 0 (the default) binds an ephemeral port. */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    public Builder period(Duration value) {
      this.period = value;
      return this;
    }

    /**
     * The window as a number of periods (replaces any {@link #window(Duration)}); the default is 24
     * periods.
     */
    public Builder windowPeriods(int value) {
      this.windowPeriods = value;
      this.window = null;
      return this;
    }

    /**
     * How far back a record's timestamp may lie (AWS: PT24H; PT6H for the rule before 2026-07).
     * Replaces any {@link #windowPeriods(int)}.
     */
    public Builder window(Duration value) {
      this.window = Objects.requireNonNull(value, "window");
      this.windowPeriods = null;
      return this;
    }

    public Builder futureSkew(Duration value) {
      this.futureSkew = value;
      return this;
    }

    /** Default: PT5M, scaled by period/PT1H when the period is shorter than an hour. */
    public Builder cloudTrailDelay(Duration value) {
      this.cloudTrailDelay = value;
      return this;
    }

    public Builder autoSubscribe(boolean value) {
      this.autoSubscribe = value;
      return this;
    }

    /** BatchMeterUsage requests per real second before ThrottlingException; 0 disables. */
    public Builder meteringTps(int value) {
      this.meteringTps = value;
      return this;
    }

    /** LookupEvents requests per real second before ThrottlingException; 0 disables. */
    public Builder lookupTps(int value) {
      this.lookupTps = value;
      return this;
    }

    public Builder region(String value) {
      this.region = value;
      return this;
    }

    public Builder accountId(String value) {
      this.accountId = value;
      return this;
    }

    /** The simulator's "now" (e.g. a test's time-skipping clock). */
    public Builder clock(Supplier<Instant> value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public Builder clock(Clock value) {
      Objects.requireNonNull(value, "clock");
      return clock(value::instant);
    }

    public SimulatorConfig config() {
      Objects.requireNonNull(period, "period");
      Duration delay =
          cloudTrailDelay != null
              ? cloudTrailDelay
              : SimulatorConfig.defaultCloudTrailDelay(period);
      if (windowPeriods != null && windowPeriods < 0) {
        throw new IllegalArgumentException("windowPeriods must be >= 0: " + windowPeriods);
      }
      Duration effectiveWindow =
          window != null
              ? window
              : windowPeriods != null
                  ? period.multipliedBy(windowPeriods)
                  : SimulatorConfig.defaultWindow(period);
      return new SimulatorConfig(
          host,
          port,
          period,
          effectiveWindow,
          futureSkew,
          delay,
          autoSubscribe,
          meteringTps,
          lookupTps,
          region,
          accountId);
    }

    public MarketplaceSimulator build() {
      return new MarketplaceSimulator(
          config(),
          clock,
          eventSink != null ? eventSink : new InMemoryAgreementEventSink(),
          List.copyOf(products.values()));
    }
  }
}
