package dev.hourmeter.simulator;

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

  SimulatorState(SimulatorConfig config, SimulatorClock clock) {
    this.config = config;
    this.clock = clock;
    this.catalog = new Catalog(config.autoSubscribe());
    this.meteringLimiter = new SlidingWindowRateLimiter(config.meteringTps(), System::nanoTime);
    this.lookupLimiter = new SlidingWindowRateLimiter(config.lookupTps(), System::nanoTime);
  }

  void reset() {
    synchronized (this) {
      catalog.clear();
      ledger.clear();
      cloudTrail.clear();
    }
    faults.clear();
    requests.clear();
    meteringLimiter.reset();
    lookupLimiter.reset();
  }
}
