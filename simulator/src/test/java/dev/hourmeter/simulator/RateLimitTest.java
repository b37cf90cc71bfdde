package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.ThrottlingException;

/** Real-time quotas: LookupEvents 2 TPS and BatchMeterUsage 10 TPS by default. */
class RateLimitTest {

  @Test
  void lookupEventsAllowsTwoRequestsPerSecond() throws InterruptedException {
    try (MarketplaceSimulator sim = MarketplaceSimulator.builder().build().start();
        CloudTrailClient cloudTrail = SimulatorTestBase.cloudTrailClient(sim)) {
      cloudTrail.lookupEvents(b -> b.maxResults(1)); // warm up the client
      Thread.sleep(1100);

      int throttled = 0;
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        try {
          cloudTrail.lookupEvents(b -> b.maxResults(1));
        } catch (software.amazon.awssdk.services.cloudtrail.model.ThrottlingException e) {
          assertThat(e.statusCode()).isEqualTo(400);
          throttled++;
        }
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("calls must be quick for this test")
          .isLessThan(Duration.ofSeconds(1));
      assertThat(throttled).isEqualTo(3);
      assertThat(sim.requestLog())
          .filteredOn(r -> "ThrottlingException".equals(r.errorType()))
          .hasSize(3);

      Thread.sleep(1100);
      assertThat(cloudTrail.lookupEvents(b -> b.maxResults(1)).events()).isEmpty();
    }
  }

  @Test
  void batchMeterUsageQuotaIsConfigurable() throws InterruptedException {
    try (MarketplaceSimulator sim = MarketplaceSimulator.builder().meteringTps(3).build().start();
        MarketplaceMeteringClient metering = SimulatorTestBase.meteringClient(sim)) {
      sim.subscribe(SubscriptionSpec.of("p", CustomerId.awsAccount("111122223333"), "d"));
      java.time.Instant now = java.time.Instant.now();
      Runnable call =
          () ->
              metering.batchMeterUsage(
                  b ->
                      b.productCode("p")
                          .usageRecords(
                              SimulatorTestBase.accountRecord("111122223333", "d", now, 1)));
      call.run();
      Thread.sleep(1100);

      int throttled = 0;
      for (int i = 0; i < 6; i++) {
        try {
          call.run();
        } catch (ThrottlingException e) {
          throttled++;
        }
      }
      assertThat(throttled).isGreaterThanOrEqualTo(3);
      assertThat(sim.ledger()).hasSize(1);
    }
  }

  @Test
  void zeroDisablesTheQuota() {
    try (MarketplaceSimulator sim = MarketplaceSimulator.builder().lookupTps(0).build().start();
        CloudTrailClient cloudTrail = SimulatorTestBase.cloudTrailClient(sim)) {
      for (int i = 0; i < 8; i++) {
        cloudTrail.lookupEvents(b -> b.maxResults(1));
      }
      assertThat(sim.requestLog())
          .hasSize(8)
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    }
  }
}
