package dev.hourmeter.activities.batching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.AwsSettings;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.testing.CapturingServer;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Licensed records (whose request omits ProductCode) and legacy records of one product never share
 * a BatchMeterUsage request; records of two licenses of one product may.
 */
class LicensedBatchingTest {

  private static final Instant HOUR = Instant.parse("2026-11-30T10:00:00Z");
  private static final String LICENSE_A = "arn:aws:license-manager::123456789012:license/l-a";
  private static final String LICENSE_B = "arn:aws:license-manager::123456789012:license/l-b";

  private CapturingServer server;
  private MarketplaceGateway gateway;

  @BeforeEach
  void start() throws Exception {
    server = new CapturingServer();
    server.otherwise(CapturingServer::acceptAll);
    gateway =
        new MarketplaceGateway(
            AwsSettings.forSimulator(server.endpoint()), new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    gateway.close();
    server.close();
  }

  @Test
  void theBatcherKeepsLicensedAndLegacyRecordsApart() throws Exception {
    List<MeteringRecord> records =
        List.of(
            new MeteringRecord(CustomerId.awsAccount("111122223333"), "d", HOUR, 1),
            new MeteringRecord(new CustomerId(null, "111122223333", LICENSE_A), "d", HOUR, 2),
            new MeteringRecord(CustomerId.legacy("cust-9"), "d", HOUR, 3),
            new MeteringRecord(new CustomerId(null, "444455556666", LICENSE_B), "d", HOUR, 4));
    try (MeteringBatcher batcher =
        MeteringBatcher.builder(gateway)
            .linger(Duration.ofMillis(50))
            .maxRetries(0)
            .maxUnprocessedResends(0)
            .registry(new SimpleMeterRegistry())
            .build()) {
      List<CompletableFuture<RecordOutcome>> futures = new ArrayList<>();
      futures.addAll(batcher.submit("prod-1", records.subList(0, 2)));
      futures.addAll(batcher.submit("prod-1", records.subList(2, 4)));
      for (CompletableFuture<RecordOutcome> f : futures) {
        assertThat(f.get(10, TimeUnit.SECONDS).result().status()).isEqualTo(RecordStatus.SUCCESS);
      }
    }

    assertApart(server.captured());
  }

  @Test
  void theDirectSenderKeepsLicensedAndLegacyRecordsApart() throws Exception {
    List<MeteringRecord> records =
        List.of(
            new MeteringRecord(new CustomerId(null, "111122223333", LICENSE_A), "d", HOUR, 2),
            new MeteringRecord(CustomerId.awsAccount("111122223333"), "d", HOUR, 1),
            new MeteringRecord(new CustomerId(null, "444455556666", LICENSE_B), "d", HOUR, 4),
            new MeteringRecord(CustomerId.legacy("cust-9"), "d", HOUR, 3));
    DirectRecordSender sender = new DirectRecordSender(gateway.metering(), Duration.ofMillis(1));
    Map<Integer, RecordStatus> statuses = new TreeMap<>();
    sender.send(
        new SendRequest("prod-1", records, "wf-1", Duration.ofSeconds(1)),
        new SendListener() {
          @Override
          public void finalResult(int index, RecordResult result) {
            statuses.put(index, result.status());
          }

          @Override
          public void calls(int count) {}

          @Override
          public void checkpoint() {}
        });

    assertThat(statuses)
        .containsOnlyKeys(0, 1, 2, 3)
        .allSatisfy((i, status) -> assertThat(status).isEqualTo(RecordStatus.SUCCESS));
    assertApart(server.captured());
  }

  private static void assertApart(List<CapturingServer.Captured> calls) {
    assertThat(calls).hasSize(2);
    List<String> bodies = calls.stream().map(CapturingServer.Captured::bodyText).toList();
    assertThat(bodies)
        .anySatisfy(
            b ->
                assertThat(b)
                    .contains(
                        "\"ProductCode\":\"prod-1\"",
                        "\"QuantityAsDecimal\":\"1\"",
                        "\"QuantityAsDecimal\":\"3\"")
                    .doesNotContain("LicenseArn", "\"Quantity\""))
        .anySatisfy(
            b ->
                assertThat(b)
                    .contains(
                        LICENSE_A,
                        LICENSE_B,
                        "\"QuantityAsDecimal\":\"2\"",
                        "\"QuantityAsDecimal\":\"4\"")
                    .doesNotContain("ProductCode", "\"Quantity\""));
  }
}
