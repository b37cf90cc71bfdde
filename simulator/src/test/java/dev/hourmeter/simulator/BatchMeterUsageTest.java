package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.BatchMeterUsageResponse;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidCustomerIdentifierException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageAllocationsException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageDimensionException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecord;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResult;
import software.amazon.awssdk.services.marketplacemetering.model.UsageRecordResultStatus;

class BatchMeterUsageTest extends SimulatorTestBase {

  @Test
  void successBillsEveryRecordAndEchoesIt() {
    subscribeAccount(ACCOUNT, "requests", "storage");
    sim.subscribe(SubscriptionSpec.of(PRODUCT, CustomerId.identifier("legacy-cust-1"), "requests"));

    BatchMeterUsageResponse response =
        meter(
            accountRecord(ACCOUNT, "requests", HOUR, 7),
            identifierRecord("legacy-cust-1", "requests", HOUR, 3));

    assertThat(response.unprocessedRecords()).isEmpty();
    assertThat(response.results())
        .extracting(UsageRecordResult::status)
        .containsExactly(UsageRecordResultStatus.SUCCESS, UsageRecordResultStatus.SUCCESS);
    UsageRecordResult first = response.results().get(0);
    assertThat(first.usageRecord().timestamp()).isEqualTo(HOUR);
    assertThat(first.usageRecord().customerAWSAccountId()).isEqualTo(ACCOUNT);
    assertThat(first.usageRecord().quantity()).isEqualTo(7);
    assertThat(response.results().get(1).usageRecord().customerIdentifier())
        .isEqualTo("legacy-cust-1");

    List<LedgerEntry> ledger = sim.ledger();
    assertThat(ledger).hasSize(2);
    assertThat(ledger.get(0).customer()).isEqualTo(CustomerId.awsAccount(ACCOUNT));
    assertThat(ledger.get(0).quantity()).isEqualTo(7);
    assertThat(ledger.get(0).timestamp()).isEqualTo(HOUR);
    assertThat(ledger.get(0).meteringRecordId()).isEqualTo(first.meteringRecordId());
    assertThat(ledger.get(1).customer()).isEqualTo(CustomerId.identifier("legacy-cust-1"));
    assertThat(ledger.get(1).meteringRecordId())
        .isEqualTo(response.results().get(1).meteringRecordId())
        .isNotEqualTo(first.meteringRecordId());
  }

  @Test
  void acceptsTwentyFiveRecordsButRejectsTwentySix() {
    for (int i = 0; i < 26; i++) {
      subscribeAccount(account(i), "requests");
    }
    assertThat(
            metering
                .batchMeterUsage(b -> b.productCode(PRODUCT).usageRecords(records(25, HOUR)))
                .results())
        .hasSize(25);

    assertThatThrownBy(
            () ->
                metering.batchMeterUsage(
                    b ->
                        b.productCode(PRODUCT)
                            .usageRecords(records(26, HOUR.minus(Duration.ofHours(1))))))
        .isExactlyInstanceOf(MarketplaceMeteringException.class)
        .asInstanceOf(type(MarketplaceMeteringException.class))
        .satisfies(
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
              assertThat(e.getMessage()).contains("usageRecords");
            });
    assertThat(sim.ledger()).hasSize(25);
  }

  @Test
  void unknownProductRejectsTheBatch() {
    subscribeAccount(ACCOUNT, "requests");
    assertThatThrownBy(() -> meter("prod-unknown", accountRecord(ACCOUNT, "requests", HOUR, 1)))
        .isInstanceOf(InvalidProductCodeException.class);
    assertThat(sim.ledger()).isEmpty();
  }

  @Test
  void unknownDimensionRejectsTheWholeBatch() {
    subscribeAccount(ACCOUNT, "requests");
    assertThatThrownBy(
            () ->
                meter(
                    accountRecord(ACCOUNT, "requests", HOUR, 1),
                    accountRecord(ACCOUNT, "gigabytes", HOUR, 1)))
        .isInstanceOf(InvalidUsageDimensionException.class)
        .hasMessageContaining("gigabytes");
    assertThat(sim.ledger()).isEmpty();
  }

  @Test
  void malformedCustomerIdsRejectTheBatch() {
    subscribeAccount(ACCOUNT, "requests");
    UsageRecord elevenDigits = accountRecord("11112222333", "requests", HOUR, 1);
    UsageRecord letters = accountRecord("11112222333x", "requests", HOUR, 1);
    UsageRecord both =
        UsageRecord.builder()
            .customerAWSAccountId(ACCOUNT)
            .customerIdentifier("c")
            .dimension("requests")
            .timestamp(HOUR)
            .quantity(1)
            .build();
    UsageRecord neither =
        UsageRecord.builder().dimension("requests").timestamp(HOUR).quantity(1).build();
    for (UsageRecord bad : List.of(elevenDigits, letters, both, neither)) {
      assertThatThrownBy(() -> meter(accountRecord(ACCOUNT, "requests", HOUR, 1), bad))
          .as("record %s", bad)
          .isInstanceOf(InvalidCustomerIdentifierException.class);
    }
    assertThat(sim.ledger()).isEmpty();
  }

  @Test
  void timestampWindowIsTwentyFourHoursByDefault() {
    subscribeAccount(ACCOUNT, "requests");
    Instant justInside = T0.minus(Duration.ofHours(24)).plusMillis(1);

    assertThat(meter(accountRecord(ACCOUNT, "requests", justInside, 1)).results())
        .extracting(UsageRecordResult::status)
        .containsExactly(UsageRecordResultStatus.SUCCESS);

    assertThatThrownBy(
            () ->
                meter(
                    accountRecord(ACCOUNT, "requests", HOUR, 1),
                    accountRecord(ACCOUNT, "requests", T0.minus(Duration.ofHours(24)), 1)))
        .as("24 hours or more after the event")
        .isInstanceOf(TimestampOutOfBoundsException.class);
    assertThat(sim.ledger()).hasSize(1);

    clock.advance(Duration.ofHours(1));
    assertThatThrownBy(
            () -> meter(accountRecord(ACCOUNT, "requests", justInside.plusSeconds(1), 1)))
        .as("the window moves with the clock")
        .isInstanceOf(TimestampOutOfBoundsException.class);
  }

  @Test
  void futureTimestampsBeyondTheSkewAreRejected() {
    subscribeAccount(ACCOUNT, "requests", "storage");
    assertThat(
            meter(accountRecord(ACCOUNT, "requests", T0.plus(Duration.ofMinutes(5)), 1)).results())
        .extracting(UsageRecordResult::status)
        .containsExactly(UsageRecordResultStatus.SUCCESS);
    assertThatThrownBy(
            () ->
                meter(
                    accountRecord(
                        ACCOUNT, "storage", T0.plus(Duration.ofMinutes(5)).plusSeconds(1), 1)))
        .isInstanceOf(TimestampOutOfBoundsException.class);
    assertThat(sim.ledger()).hasSize(1);
  }

  @Test
  void identicalResendReturnsTheSameIdWithoutBillingTwice() {
    subscribeAccount(ACCOUNT, "requests");
    String id =
        meter(accountRecord(ACCOUNT, "requests", HOUR, 5)).results().get(0).meteringRecordId();

    UsageRecordResult again = meter(accountRecord(ACCOUNT, "requests", HOUR, 5)).results().get(0);
    UsageRecordResult samePeriod =
        meter(accountRecord(ACCOUNT, "requests", HOUR.plusSeconds(1234), 5)).results().get(0);

    assertThat(again.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThat(again.meteringRecordId()).isEqualTo(id);
    assertThat(samePeriod.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThat(samePeriod.meteringRecordId()).isEqualTo(id);
    assertThat(sim.ledger())
        .singleElement()
        .satisfies(e -> assertThat(e.meteringRecordId()).isEqualTo(id));
  }

  @Test
  void differentQuantityForABilledPeriodIsADuplicateAndTheFirstQuantityStays() {
    subscribeAccount(ACCOUNT, "requests");
    String id =
        meter(accountRecord(ACCOUNT, "requests", HOUR, 5)).results().get(0).meteringRecordId();

    UsageRecordResult duplicate =
        meter(accountRecord(ACCOUNT, "requests", HOUR, 9)).results().get(0);

    assertThat(duplicate.status()).isEqualTo(UsageRecordResultStatus.DUPLICATE_RECORD);
    assertThat(duplicate.meteringRecordId()).isEqualTo(id);
    assertThat(sim.ledger()).singleElement().satisfies(e -> assertThat(e.quantity()).isEqualTo(5));
  }

  @Test
  void dedupKeyIncludesPeriodDimensionAndCustomer() {
    subscribeAccount(ACCOUNT, "requests", "storage");
    subscribeAccount(account(1), "requests");
    meter(accountRecord(ACCOUNT, "requests", HOUR, 5));
    BatchMeterUsageResponse response =
        meter(
            accountRecord(ACCOUNT, "requests", HOUR.minus(Duration.ofHours(1)), 9),
            accountRecord(ACCOUNT, "storage", HOUR, 9),
            accountRecord(account(1), "requests", HOUR, 9));
    assertThat(response.results())
        .extracting(UsageRecordResult::status)
        .containsOnly(UsageRecordResultStatus.SUCCESS);
    assertThat(sim.ledger()).hasSize(4);
  }

  @Test
  void periodIsConfigurable() {
    sim.close();
    sim =
        MarketplaceSimulator.builder()
            .clock(clock)
            .period(Duration.ofMinutes(1))
            .meteringTps(0)
            .build()
            .start();
    metering.close();
    metering = meteringClient(sim);
    subscribeAccount(ACCOUNT, "requests");

    meter(accountRecord(ACCOUNT, "requests", T0.minusSeconds(60), 5));
    UsageRecordResult nextMinute =
        meter(accountRecord(ACCOUNT, "requests", T0, 9)).results().get(0);
    assertThat(nextMinute.status()).isEqualTo(UsageRecordResultStatus.SUCCESS);
    assertThat(
            meter(accountRecord(ACCOUNT, "requests", T0.minus(Duration.ofMinutes(23)), 1))
                .results())
        .as("the default window is 24 periods")
        .extracting(UsageRecordResult::status)
        .containsExactly(UsageRecordResultStatus.SUCCESS);
    assertThatThrownBy(
            () -> meter(accountRecord(ACCOUNT, "requests", T0.minus(Duration.ofMinutes(24)), 1)))
        .as("24 one-minute periods back is the limit")
        .isInstanceOf(TimestampOutOfBoundsException.class);
    assertThat(sim.ledger()).hasSize(3);
  }

  @Test
  void unsubscribedCustomersGetCustomerNotSubscribedWhileOthersAreBilled() {
    subscribeAccount(ACCOUNT, "requests");
    sim.subscribe(
        SubscriptionSpec.of(PRODUCT, CustomerId.awsAccount(account(7)), "requests")
            .withSubscribed(false));

    BatchMeterUsageResponse response =
        meter(
            accountRecord(account(7), "requests", HOUR, 1),
            accountRecord(ACCOUNT, "requests", HOUR, 2),
            accountRecord(account(8), "requests", HOUR, 3));

    assertThat(response.results())
        .extracting(UsageRecordResult::status)
        .containsExactly(
            UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED,
            UsageRecordResultStatus.SUCCESS,
            UsageRecordResultStatus.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(response.results().get(0).meteringRecordId()).isNull();
    assertThat(sim.ledger())
        .singleElement()
        .satisfies(e -> assertThat(e.customer().value()).isEqualTo(ACCOUNT));
  }

  @Test
  void negativeQuantityIsAValidationError() {
    subscribeAccount(ACCOUNT, "requests");
    assertThatThrownBy(() -> meter(accountRecord(ACCOUNT, "requests", HOUR, -1)))
        .isExactlyInstanceOf(MarketplaceMeteringException.class)
        .asInstanceOf(type(MarketplaceMeteringException.class))
        .satisfies(
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
              assertThat(e.getMessage()).contains("quantity");
            });
    assertThat(sim.ledger()).isEmpty();
  }

  @Test
  void usageAllocationsMustAddUpToTheQuantity() {
    subscribeAccount(ACCOUNT, "requests");
    UsageAllocation alloc =
        UsageAllocation.builder()
            .allocatedUsageQuantity(2)
            .tags(Tag.builder().key("team").value("a").build())
            .build();
    UsageRecord bad =
        accountRecord(ACCOUNT, "requests", HOUR, 5).toBuilder().usageAllocations(alloc).build();
    assertThatThrownBy(() -> meter(bad)).isInstanceOf(InvalidUsageAllocationsException.class);

    UsageRecord good =
        accountRecord(ACCOUNT, "requests", HOUR, 2).toBuilder().usageAllocations(alloc).build();
    assertThat(meter(good).results().get(0).usageRecord().usageAllocations())
        .singleElement()
        .satisfies(a -> assertThat(a.tags().get(0).key()).isEqualTo("team"));
  }

  @Test
  void theLedgerAndTheCloudTrailEventShowTheAllocations() throws Exception {
    subscribeAccount(ACCOUNT, "requests");
    UsageRecord tagged =
        accountRecord(ACCOUNT, "requests", HOUR, 5).toBuilder()
            .usageAllocations(
                UsageAllocation.builder()
                    .allocatedUsageQuantity(3)
                    .tags(
                        Tag.builder().key("team").value("a").build(),
                        Tag.builder().key("env").value("prod").build())
                    .build(),
                UsageAllocation.builder().allocatedUsageQuantity(2).build())
            .build();

    meter(tagged);

    assertThat(sim.ledger())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.allocations())
                    .containsExactly(
                        new LedgerEntry.Allocation(
                            java.math.BigDecimal.valueOf(3), Map.of("team", "a", "env", "prod")),
                        new LedgerEntry.Allocation(java.math.BigDecimal.valueOf(2), Map.of())));
    com.fasterxml.jackson.databind.JsonNode event =
        HttpSupport.JSON.readTree(sim.cloudTrailEvents().get(0));
    com.fasterxml.jackson.databind.JsonNode allocations =
        event.at("/requestParameters/usageRecords/0/usageAllocations");
    assertThat(allocations).hasSize(2);
    assertThat(allocations.at("/0/allocatedUsageQuantity").asInt()).isEqualTo(3);
    assertThat(allocations.at("/0/tags/0/key").asText()).isEqualTo("team");
    assertThat(allocations.at("/0/tags/1/value").asText()).isEqualTo("prod");
    assertThat(allocations.at("/1/allocatedUsageQuantity").asInt()).isEqualTo(2);
  }
}
