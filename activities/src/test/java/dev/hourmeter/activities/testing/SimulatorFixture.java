package dev.hourmeter.activities.testing;

import dev.hourmeter.activities.aws.AwsSettings;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real {@link MarketplaceSimulator} on an ephemeral port with a controllable clock, and a real
 * {@link MarketplaceGateway} (AWS SDK v2 clients over HTTP) pointed at it.
 */
public final class SimulatorFixture implements AutoCloseable {

  /** The simulator's "now": 10:30 in an hour whose records are well inside the 24-hour window. */
  public static final Instant NOW = Instant.parse("2026-11-26T10:30:00Z");

  public static final Instant HOUR = Instant.parse("2026-11-26T10:00:00Z");

  /** 35 hours before {@link #HOUR}: outside the simulator's 24-hour window (AWS's since 2026). */
  public static final Instant TOO_OLD = Instant.parse("2026-11-24T23:00:00Z");

  public static final String PRODUCT = "prod-hourmeter-1";

  public final AtomicReference<Instant> clock = new AtomicReference<>(NOW);
  public final MarketplaceSimulator sim;
  public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  public final MarketplaceGateway gateway;

  public SimulatorFixture() {
    this(MarketplaceSimulator.builder());
  }

  public SimulatorFixture(MarketplaceSimulator.Builder builder) {
    this(builder, 0);
  }

  /**
   * With the simulator's BatchMeterUsage quota set to {@code meteringTps} calls/s (0 = unlimited).
   */
  public SimulatorFixture(MarketplaceSimulator.Builder builder, int meteringTps) {
    sim =
        builder
            .port(0)
            .period(Duration.ofHours(1))
            .meteringTps(meteringTps)
            .lookupTps(0)
            .clock(clock::get)
            .build()
            .start();
    gateway = new MarketplaceGateway(settings(), registry);
  }

  public AwsSettings settings() {
    return AwsSettings.forSimulator(sim.endpoint());
  }

  public static CustomerId account(int n) {
    return CustomerId.awsAccount(String.format("%012d", 100_000_000_000L + n));
  }

  public static dev.hourmeter.simulator.CustomerId simCustomer(CustomerId customer) {
    return customer.hasAwsAccountId()
        ? dev.hourmeter.simulator.CustomerId.awsAccount(customer.customerAwsAccountId())
        : dev.hourmeter.simulator.CustomerId.identifier(customer.customerIdentifier());
  }

  public static MeteringRecord record(CustomerId customer, String dimension, int quantity) {
    return new MeteringRecord(customer, dimension, HOUR, quantity);
  }

  /** Record counts of the BatchMeterUsage requests received, in order. */
  public List<Integer> meteringCalls() {
    return sim.requestLog().stream()
        .filter(e -> e.operation().equals("BatchMeterUsage"))
        .map(RequestLogEntry::records)
        .toList();
  }

  public long requests(String operation) {
    return sim.requestLog().stream().filter(e -> e.operation().equals(operation)).count();
  }

  @Override
  public void close() {
    gateway.close();
    sim.close();
  }
}
