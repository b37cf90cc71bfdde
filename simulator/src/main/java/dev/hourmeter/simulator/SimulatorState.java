package dev.hourmeter.simulator;

import java.util.List;

/**
 * Everything the simulator remembers. Operations that must see a consistent picture across
 * components (BatchMeterUsage updates catalog, ledger and CloudTrail together) synchronize on this
 * object.
 */
final class SimulatorState {

  final SimulatorConfig config;
  final SimulatorClock clock;
  final Catalog catalog;
  final MeteringLedger ledger = new MeteringLedger();
  final CloudTrailStore cloudTrail = new CloudTrailStore();
  final FaultInjector faults = new FaultInjector();
  final RequestLog requests = new RequestLog();
  final SlidingWindowRateLimiter meteringLimiter;
  final SlidingWindowRateLimiter lookupLimiter;
  final AgreementBook agreements;

  /** The products configured at build time: in the catalog from the start and after a reset. */
  private final List<ProductSpec> products;

  SimulatorState(
      SimulatorConfig config,
      SimulatorClock clock,
      AgreementEventSink eventSink,
      List<ProductSpec> products) {
    this.config = config;
    this.clock = clock;
    this.catalog = new Catalog(config.autoSubscribe());
    this.products = List.copyOf(products);
    this.products.forEach(catalog::registerProduct);
    this.meteringLimiter = new SlidingWindowRateLimiter(config.meteringTps(), System::nanoTime);
    this.lookupLimiter = new SlidingWindowRateLimiter(config.lookupTps(), System::nanoTime);
    this.agreements = new AgreementBook(this, eventSink);
  }

  void reset() {
    synchronized (this) {
      catalog.clear();
      products.forEach(catalog::registerProduct);
      ledger.clear();
      cloudTrail.clear();
    }
    agreements.clear();
    faults.clear();
    requests.clear();
    meteringLimiter.reset();
    lookupLimiter.reset();
  }
}
