package dev.hourmeter.activities.verification;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.activities.aws.BatchMeterOutcome;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.MutableClock;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptCheck;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;

/**
 * Receipts are found whichever quantity field a record went out with: {@code QuantityAsDecimal}
 * (hourmeter since AWS deprecated {@code Quantity}) or {@code Quantity} (records sent before, here
 * by the plain SDK client as hourmeter sent them then). Real simulator, its CloudTrail events, the
 * real index.
 */
class QuantityFieldReceiptTest {

  private static final Instant NOW = Instant.parse("2026-11-26T10:30:00Z");
  private static final Instant HOUR = Instant.parse("2026-11-26T10:00:00Z");
  private static final String PRODUCT = "prod-hourmeter-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock simClock = new MutableClock(NOW);
  private MarketplaceSimulator sim;
  private MarketplaceGateway gateway;
  private MarketplaceMeteringClient oldWay;

  @BeforeEach
  void start() {
    sim =
        MarketplaceSimulator.builder()
            .port(0)
            .autoSubscribe(true)
            .meteringTps(0)
            .lookupTps(0)
            .cloudTrailDelay(Duration.ofMinutes(5))
            .clock(simClock)
            .build()
            .start();
    gateway = MarketplaceGateway.forSimulator(sim.endpoint(), new SimpleMeterRegistry());
    oldWay =
        MarketplaceMeteringClient.builder()
            .endpointOverride(sim.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOLD", "secret")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
  }

  @AfterEach
  void stop() {
    oldWay.close();
    gateway.close();
    sim.close();
  }

  @Test
  void recordsSentAsQuantityOrAsQuantityAsDecimalAreBothFound() throws Exception {
    CustomerId a = CustomerId.awsAccount("100000000001");
    CustomerId b = CustomerId.awsAccount("100000000002");
    MeteringRecord newWhole = new MeteringRecord(a, "requests", HOUR, 3);
    MeteringRecord newAllocated =
        new MeteringRecord(a, "storage", HOUR, 7)
            .withAllocations(
                List.of(
                    new UsageAllocation(BigDecimal.valueOf(2), Map.of()),
                    new UsageAllocation(BigDecimal.valueOf(5), Map.of("team", "a"))));
    MeteringRecord oldWhole = new MeteringRecord(b, "requests", HOUR, 3);
    MeteringRecord oldAllocated =
        new MeteringRecord(b, "storage", HOUR, 7)
            .withAllocations(
                List.of(
                    new UsageAllocation(BigDecimal.valueOf(2), Map.of()),
                    new UsageAllocation(BigDecimal.valueOf(5), Map.of("team", "a"))));

    List<SentRecord> sent = new ArrayList<>();
    BatchMeterOutcome outcome =
        gateway.metering().batchMeterUsage(PRODUCT, List.of(newWhole, newAllocated));
    outcome.results().forEach(r -> sent.add(new SentRecord(r.record(), r.meteringRecordId(), NOW)));
    BatchMeterUsageResponse old =
        oldWay.batchMeterUsage(
            r ->
                r.productCode(PRODUCT)
                    .usageRecords(
                        UsageRecord.builder()
                            .timestamp(HOUR)
                            .dimension("requests")
                            .customerAWSAccountId(b.value())
                            .quantity(3)
                            .build(),
                        UsageRecord.builder()
                            .timestamp(HOUR)
                            .dimension("storage")
                            .customerAWSAccountId(b.value())
                            .quantity(7)
                            .usageAllocations(
                                sdkAllocation(2),
                                sdkAllocation(5, Tag.builder().key("team").value("a").build()))
                            .build()));
    sent.add(new SentRecord(oldWhole, old.results().get(0).meteringRecordId(), NOW));
    sent.add(new SentRecord(oldAllocated, old.results().get(1).meteringRecordId(), NOW));
    assertThat(sent).hasSize(4);

    // The two kinds really are on the record: CloudTrail shows the field each request used.
    JsonNode newEvent = JSON.readTree(sim.cloudTrailEvents().get(0));
    JsonNode oldEvent = JSON.readTree(sim.cloudTrailEvents().get(1));
    assertThat(newEvent.at("/responseElements/results/0/usageRecord/quantityAsDecimal").asText())
        .isEqualTo("3");
    assertThat(newEvent.at("/responseElements/results/0/usageRecord").has("quantity")).isFalse();
    assertThat(
            newEvent
                .at(
                    "/requestParameters/usageRecords/1/usageAllocations/1/allocatedUsageQuantityAsDecimal")
                .asText())
        .isEqualTo("5");
    assertThat(oldEvent.at("/responseElements/results/0/usageRecord/quantity").asInt())
        .isEqualTo(3);
    assertThat(oldEvent.at("/responseElements/results/0/usageRecord").has("quantityAsDecimal"))
        .isFalse();
    assertThat(sim.deprecatedQuantityRecords()).isEqualTo(2);

    simClock.advance(Duration.ofMinutes(6));
    CloudTrailReceiptIndex index =
        CloudTrailReceiptIndex.builder(gateway).clock(new SimClock(simClock)).build();
    List<SentRecord> byKeyOnly =
        sent.stream().map(s -> new SentRecord(s.record(), null, s.sentAt())).toList();
    assertThat(index.check(PRODUCT, sent).checks()).allMatch(ReceiptCheck::found);
    assertThat(index.check(PRODUCT, byKeyOnly).checks()).allMatch(ReceiptCheck::found);

    // Still by value: another quantity is no receipt, whichever field the event has.
    List<SentRecord> otherQuantity =
        List.of(
            new SentRecord(new MeteringRecord(a, "requests", HOUR, 4), null, NOW),
            new SentRecord(new MeteringRecord(b, "requests", HOUR, 4), null, NOW));
    assertThat(index.check(PRODUCT, otherQuantity).checks()).noneMatch(ReceiptCheck::found);
  }

  /** An allocation of the SDK model, with the integer AllocatedUsageQuantity the old way sent. */
  private static software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation
      sdkAllocation(int quantity, Tag... tags) {
    return software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation.builder()
        .allocatedUsageQuantity(quantity)
        .tags(tags.length == 0 ? null : List.of(tags))
        .build();
  }
}
