package dev.hourmeter.activities.aws;

import static dev.hourmeter.activities.testing.SimulatorFixture.HOUR;
import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.TOO_OLD;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.record;
import static dev.hourmeter.activities.testing.SimulatorFixture.simCustomer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hourmeter.activities.aws.BatchMeterOutcome.MeterStatus;
import dev.hourmeter.activities.aws.BatchMeterOutcome.MeteredRecord;
import dev.hourmeter.activities.aws.MarketplaceCallException.Kind;
import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.ApiOperation;
import dev.hourmeter.simulator.EntitlementSpec;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MarketplaceGatewayTest {

  private SimulatorFixture fx;

  @BeforeEach
  void start() {
    fx = new SimulatorFixture(MarketplaceSimulator.builder().cloudTrailDelay(Duration.ZERO));
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  private void subscribe(CustomerId customer, String... dimensions) {
    fx.sim.subscribe(SubscriptionSpec.of(PRODUCT, simCustomer(customer), dimensions));
  }

  @Test
  void batchMeterUsageSucceedsForAccountIdsAndLegacyIdentifiers() {
    CustomerId legacy = CustomerId.legacy("cust-legacy-7");
    subscribe(account(1), "requests");
    subscribe(legacy, "requests");
    MeteringRecord a = record(account(1), "requests", 7);
    MeteringRecord b = record(legacy, "requests", 0);

    BatchMeterOutcome outcome = fx.gateway.metering().batchMeterUsage(PRODUCT, List.of(a, b));

    assertThat(outcome.unprocessed()).isEmpty();
    assertThat(outcome.results()).extracting(MeteredRecord::record).containsExactlyInAnyOrder(a, b);
    assertThat(outcome.results())
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(MeterStatus.SUCCESS);
              assertThat(r.awsStatus()).isEqualTo("Success");
              assertThat(r.meteringRecordId()).isNotBlank();
            });
    List<LedgerEntry> ledger = fx.sim.ledger();
    assertThat(ledger).hasSize(2);
    assertThat(ledger)
        .anySatisfy(
            e -> {
              assertThat(e.customer())
                  .isEqualTo(dev.hourmeter.simulator.CustomerId.awsAccount(account(1).value()));
              assertThat(e.quantity()).isEqualTo(7);
              assertThat(e.timestamp()).isEqualTo(HOUR);
            });
    assertThat(ledger)
        .anySatisfy(
            e -> {
              assertThat(e.customer())
                  .isEqualTo(dev.hourmeter.simulator.CustomerId.identifier("cust-legacy-7"));
              assertThat(e.quantity()).isZero();
            });
    MeteredRecord resultA =
        outcome.results().stream().filter(r -> r.record().equals(a)).findFirst().orElseThrow();
    assertThat(resultA.meteringRecordId())
        .isEqualTo(fx.sim.ledger(PRODUCT, account(1).value()).get(0).meteringRecordId());
  }

  @Test
  void notSubscribedAndDuplicateStatusesAreMappedAndNeverSuccess() {
    subscribe(account(1), "requests");
    fx.gateway.metering().batchMeterUsage(PRODUCT, List.of(record(account(1), "requests", 5)));

    MeteringRecord changed = record(account(1), "requests", 6);
    MeteringRecord stranger = record(account(2), "requests", 1);
    BatchMeterOutcome outcome =
        fx.gateway.metering().batchMeterUsage(PRODUCT, List.of(changed, stranger));

    assertThat(outcome.results()).hasSize(2);
    assertThat(outcome.results())
        .filteredOn(r -> r.record().equals(changed))
        .singleElement()
        .extracting(MeteredRecord::status)
        .isEqualTo(MeterStatus.DUPLICATE_RECORD);
    assertThat(outcome.results())
        .filteredOn(r -> r.record().equals(stranger))
        .singleElement()
        .extracting(MeteredRecord::status)
        .isEqualTo(MeterStatus.CUSTOMER_NOT_SUBSCRIBED);
    assertThat(fx.sim.ledger()).singleElement().extracting(LedgerEntry::quantity).isEqualTo(5L);
  }

  @Test
  void throttlingIsRetryableAndTheSdkDoesNotRetryOnItsOwn() {
    subscribe(account(1), "requests");
    fx.sim.setFaults(FaultSpec.builder().throttleNext(1).build());

    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                fx.gateway
                    .metering()
                    .batchMeterUsage(PRODUCT, List.of(record(account(1), "requests", 1))));

    assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(e.throttled()).isTrue();
    assertThat(e.errorType()).isEqualTo("ThrottlingException");
    assertThat(e.operation()).isEqualTo("BatchMeterUsage");
    assertThat(fx.meteringCalls()).as("one HTTP request: SDK retries are off").hasSize(1);
    assertThat(fx.sim.ledger()).isEmpty();
  }

  @Test
  void serverErrorIsRetryable() {
    subscribe(account(1), "requests");
    fx.sim.setFaults(FaultSpec.builder().serverErrorNext(1).build());

    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                fx.gateway
                    .metering()
                    .batchMeterUsage(PRODUCT, List.of(record(account(1), "requests", 1))));

    assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(e.throttled()).isFalse();
    assertThat(e.errorType()).isEqualTo("InternalServiceErrorException");
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(fx.meteringCalls()).hasSize(1);
  }

  @Test
  void invalidDimensionIsNonRetryableAndRecordSpecific() {
    subscribe(account(1), "requests");

    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                fx.gateway
                    .metering()
                    .batchMeterUsage(PRODUCT, List.of(record(account(1), "bogus", 1))));

    assertThat(e.kind()).isEqualTo(Kind.NON_RETRYABLE);
    assertThat(e.errorType()).isEqualTo("InvalidUsageDimensionException");
    assertThat(e.requestWide()).isFalse();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsMessage()).contains("bogus");
    assertThat(e.detail()).startsWith("InvalidUsageDimensionException: ");
  }

  @Test
  void invalidProductIsNonRetryableAndRequestWide() {
    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                fx.gateway
                    .metering()
                    .batchMeterUsage(
                        "no-such-product", List.of(record(account(1), "requests", 1))));

    assertThat(e.kind()).isEqualTo(Kind.NON_RETRYABLE);
    assertThat(e.errorType()).isEqualTo("InvalidProductCodeException");
    assertThat(e.requestWide()).isTrue();
  }

  @Test
  void timestampOutOfBoundsHasItsOwnKind() {
    subscribe(account(1), "requests");
    MeteringRecord old = new MeteringRecord(account(1), "requests", TOO_OLD, 1);

    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                fx.gateway
                    .metering()
                    .batchMeterUsage(PRODUCT, List.of(record(account(1), "requests", 1), old)));

    assertThat(e.kind()).isEqualTo(Kind.TIMESTAMP_OUT_OF_BOUNDS);
    assertThat(e.errorType()).isEqualTo("TimestampOutOfBoundsException");
    assertThat(e.requestWide()).isFalse();
    assertThat(fx.sim.ledger()).as("the whole batch is rejected").isEmpty();
  }

  @Test
  void readTimeoutIsRetryable() {
    subscribe(account(1), "requests");
    fx.sim.setFaults(FaultSpec.builder().latencyMillis(1500).build());
    try (MarketplaceGateway impatient =
        new MarketplaceGateway(
            fx.settings().withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300)))) {
      MarketplaceCallException e =
          catchThrowableOfType(
              MarketplaceCallException.class,
              () ->
                  impatient
                      .metering()
                      .batchMeterUsage(PRODUCT, List.of(record(account(1), "requests", 1))));
      assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
      assertThat(e.statusCode()).isZero();
    }
  }

  @Test
  void connectionRefusedIsRetryable() {
    MarketplaceGateway gateway = fx.gateway;
    fx.sim.close();
    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () ->
                gateway
                    .metering()
                    .batchMeterUsage(PRODUCT, List.of(record(account(1), "requests", 1))));
    assertThat(e.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(e.errorType()).isEqualTo("SdkClientException");
  }

  @Test
  void unprocessedRecordsAreMappedBackToOurRecords() {
    List<MeteringRecord> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      subscribe(account(i), "requests");
      records.add(record(account(i), "requests", i + 1));
    }
    fx.sim.setFaults(FaultSpec.builder().unprocessedNext(2).build());

    BatchMeterOutcome outcome = fx.gateway.metering().batchMeterUsage(PRODUCT, records);

    assertThat(outcome.unprocessed()).containsExactly(records.get(0), records.get(1));
    assertThat(outcome.results())
        .extracting(MeteredRecord::record)
        .containsExactlyInAnyOrderElementsOf(records.subList(2, 5));
    assertThat(outcome.results())
        .extracting(MeteredRecord::status)
        .containsOnly(MeterStatus.SUCCESS);
    assertThat(fx.sim.ledger()).hasSize(3);
  }

  @Test
  void rejectsEmptyAndOversizedBatchesWithoutCalling() {
    List<MeteringRecord> tooMany =
        IntStream.range(0, 26).mapToObj(i -> record(account(i), "requests", 1)).toList();
    assertThatThrownBy(() -> fx.gateway.metering().batchMeterUsage(PRODUCT, tooMany))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fx.gateway.metering().batchMeterUsage(PRODUCT, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fx.sim.requestLog()).isEmpty();
  }

  @Test
  void getEntitlementsFollowsEveryPageIncludingEmptyOnes() {
    // The service may answer with a page that holds nothing yet carries a NextToken: two of those
    // come first.
    fx.sim.subscribe(
        SubscriptionSpec.of(
            PRODUCT,
            simCustomer(account(9)),
            IntStream.range(0, 10).mapToObj(i -> "other" + i).toArray(String[]::new)));
    List<String> mine = IntStream.range(0, 7).mapToObj(i -> "dim" + i).toList();
    fx.sim.subscribe(
        SubscriptionSpec.of(PRODUCT, simCustomer(account(1)), mine.toArray(String[]::new)));
    fx.sim.setFaults(FaultSpec.builder().emptyEntitlementPagesNext(2).build());
    fx.gateway.entitlements().pageSize(2);

    List<EntitlementItem> items = fx.gateway.entitlements().getEntitlements(PRODUCT, account(1));

    assertThat(items)
        .extracting(EntitlementItem::dimension)
        .containsExactlyInAnyOrderElementsOf(mine);
    assertThat(items)
        .allSatisfy(
            i -> {
              assertThat(i.customerAwsAccountId()).isEqualTo(account(1).value());
              assertThat(i.booleanValue()).isTrue();
              assertThat(i.productCode()).isEqualTo(PRODUCT);
            });
    assertThat(fx.requests("GetEntitlements"))
        .as("2 empty pages, then 7 entitlements 2 per page")
        .isEqualTo(6);
  }

  @Test
  void getEntitlementsForALegacyCustomerMapsValuesAndExpiration() {
    Instant expires = Instant.parse("2027-01-01T00:00:00Z");
    fx.sim.subscribe(
        SubscriptionSpec.of(PRODUCT, dev.hourmeter.simulator.CustomerId.identifier("legacy-1"))
            .withEntitlements(
                List.of(
                    EntitlementSpec.ofInteger("seats", 40, expires),
                    EntitlementSpec.ofString("tier", "gold", null))));

    List<EntitlementItem> items =
        fx.gateway.entitlements().getEntitlements(PRODUCT, CustomerId.legacy("legacy-1"));

    assertThat(items)
        .containsExactlyInAnyOrder(
            new EntitlementItem(PRODUCT, "seats", "legacy-1", null, 40, null, null, null, expires),
            new EntitlementItem(PRODUCT, "tier", "legacy-1", null, null, null, null, "gold", null));
  }

  @Test
  void runawayPagingStopsAtThePageCapWithAClearError() {
    fx.sim.subscribe(
        SubscriptionSpec.of(
            PRODUCT,
            simCustomer(account(1)),
            IntStream.range(0, 10).mapToObj(i -> "dim" + i).toArray(String[]::new)));
    fx.gateway.entitlements().pageSize(1).maxPages(4);

    MarketplaceCallException e =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () -> fx.gateway.entitlements().getEntitlements(PRODUCT, account(1)));

    assertThat(e.errorType()).isEqualTo("PagingLimitExceeded");
    assertThat(e.kind()).isEqualTo(Kind.NON_RETRYABLE);
    assertThat(e.getMessage()).contains("GetEntitlements").contains("4 pages");
    assertThat(fx.requests("GetEntitlements")).isEqualTo(4);
  }

  @Test
  void getEntitlementsErrorsAreClassified() {
    fx.sim.setFaults(
        FaultSpec.builder().throttleNext(1).operations(ApiOperation.GET_ENTITLEMENTS).build());
    MarketplaceCallException throttled =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () -> fx.gateway.entitlements().getEntitlements(PRODUCT, account(1)));
    assertThat(throttled.kind()).isEqualTo(Kind.RETRYABLE);
    assertThat(throttled.operation()).isEqualTo("GetEntitlements");

    MarketplaceCallException invalid =
        catchThrowableOfType(
            MarketplaceCallException.class,
            () -> fx.gateway.entitlements().getEntitlements("", account(1)));
    assertThat(invalid.kind()).isEqualTo(Kind.NON_RETRYABLE);
    assertThat(invalid.errorType()).isEqualTo("InvalidParameterException");
  }

  @Test
  void lookupEventsReturnsBatchMeterUsageCalls() {
    subscribe(account(1), "requests");
    fx.gateway.metering().batchMeterUsage(PRODUCT, List.of(record(account(1), "requests", 3)));

    List<TrailEvent> events =
        fx.gateway
            .cloudTrail()
            .lookupEvents(
                "BatchMeterUsage", HOUR.minus(Duration.ofDays(1)), HOUR.plus(Duration.ofDays(1)));

    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.eventName()).isEqualTo("BatchMeterUsage");
              assertThat(e.eventSource()).isEqualTo("metering-marketplace.amazonaws.com");
              assertThat(e.cloudTrailEvent()).contains(PRODUCT).contains("requests");
            });
  }

  @Test
  void metricsCountCallsByOperationAndOutcomeWithoutCustomerIds() {
    subscribe(account(1), "requests");
    fx.gateway.metering().batchMeterUsage(PRODUCT, List.of(record(account(1), "requests", 3)));
    fx.sim.setFaults(FaultSpec.builder().throttleNext(1).build());
    assertThatThrownBy(
            () ->
                fx.gateway
                    .metering()
                    .batchMeterUsage(PRODUCT, List.of(record(account(1), "requests", 3))))
        .isInstanceOf(MarketplaceCallException.class);

    assertThat(
            fx.registry
                .get("hourmeter.aws.calls")
                .tags("operation", "BatchMeterUsage", "outcome", "success")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            fx.registry
                .get("hourmeter.aws.calls")
                .tags(
                    "operation",
                    "BatchMeterUsage",
                    "outcome",
                    "retryable",
                    "error",
                    "ThrottlingException")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            fx.registry
                .get("hourmeter.aws.call.duration")
                .tags("operation", "BatchMeterUsage")
                .timers())
        .isNotEmpty();
    assertThat(
            fx.registry
                .get("hourmeter.aws.metering.records")
                .tags("status", "success")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(fx.registry.getMeters())
        .allSatisfy(
            m -> assertThat(m.getId().getTags().toString()).doesNotContain(account(1).value()));
  }
}
