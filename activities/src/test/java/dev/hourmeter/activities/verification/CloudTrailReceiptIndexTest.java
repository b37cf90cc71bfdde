package dev.hourmeter.activities.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hourmeter.activities.ReceiptVerificationActivitiesImpl;
import dev.hourmeter.activities.aws.BatchMeterOutcome;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.activities.aws.MeteringService;
import dev.hourmeter.activities.aws.TrailEvent;
import dev.hourmeter.activities.aws.TrailPage;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.MutableClock;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.ReceiptCheck;
import dev.hourmeter.workflows.model.activity.ReceiptCheckRequest;
import dev.hourmeter.workflows.model.activity.ReceiptCheckResult;
import dev.hourmeter.workflows.model.activity.SentRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index against the real simulator over HTTP (real SDK), LookupEvents limited to 2 TPS like
 * AWS.
 */
class CloudTrailReceiptIndexTest {

  private static final Logger log = LoggerFactory.getLogger(CloudTrailReceiptIndexTest.class);
  private static final Instant NOW = Instant.parse("2026-11-26T10:30:00Z");
  private static final Instant HOUR = Instant.parse("2026-11-26T10:00:00Z");
  private static final String PRODUCT = "prod-hourmeter-1";
  private static final Duration DELAY = Duration.ofMinutes(5);

  private final MutableClock simClock = new MutableClock(NOW);
  private MarketplaceSimulator sim;
  private MarketplaceGateway gateway;

  private void start(int lookupTps) {
    sim =
        MarketplaceSimulator.builder()
            .port(0)
            .period(Duration.ofHours(1))
            .autoSubscribe(true)
            .meteringTps(0)
            .lookupTps(lookupTps)
            .cloudTrailDelay(DELAY)
            .clock(simClock)
            .build()
            .start();
    gateway = MarketplaceGateway.forSimulator(sim.endpoint(), new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private CloudTrailReceiptIndexBuilder index() {
    return CloudTrailReceiptIndex.builder(gateway).clock(new SimClock(simClock));
  }

  private static CustomerId account(int n) {
    return CustomerId.awsAccount(String.format("%012d", 100_000_000_000L + n));
  }

  /**
   * Sends one record per customer in batches of 25; returns what AWS accepted, as the workflow
   * records it.
   */
  private List<SentRecord> send(int firstCustomer, int customers) {
    List<SentRecord> sent = new ArrayList<>();
    List<MeteringRecord> batch = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      batch.add(
          new MeteringRecord(
              account(firstCustomer + i), "requests", HOUR, 1 + (firstCustomer + i) % 7));
      if (batch.size() == MeteringService.MAX_RECORDS_PER_CALL || i == customers - 1) {
        BatchMeterOutcome outcome = gateway.metering().batchMeterUsage(PRODUCT, batch);
        assertThat(outcome.unprocessed()).isEmpty();
        outcome
            .results()
            .forEach(
                r -> sent.add(new SentRecord(r.record(), r.meteringRecordId(), simClock.get())));
        batch.clear();
      }
    }
    assertThat(sent).hasSize(customers);
    return sent;
  }

  private List<RequestLogEntry> lookups() {
    return sim.requestLog().stream().filter(e -> e.operation().equals("LookupEvents")).toList();
  }

  /**
   * Most LookupEvents requests the simulator received within any one-second window [t, t + 1 s).
   */
  private static int maxPerSecond(List<RequestLogEntry> entries) {
    List<Instant> times = entries.stream().map(RequestLogEntry::receivedAt).sorted().toList();
    int max = 0;
    for (int i = 0; i < times.size(); i++) {
      int n = 0;
      for (int j = i;
          j < times.size() && Duration.between(times.get(i), times.get(j)).toMillis() < 1000;
          j++) {
        n++;
      }
      max = Math.max(max, n);
    }
    return max;
  }

  @Test
  void recordsAreFoundOnlyAfterTheDeliveryDelay() {
    start(2);
    CloudTrailReceiptIndex index = index().build();
    ReceiptVerificationActivitiesImpl activity = new ReceiptVerificationActivitiesImpl(index);
    List<SentRecord> sent = send(1, 3);
    ReceiptCheckRequest request = new ReceiptCheckRequest(PRODUCT, sent);

    assertThat(activity.verifyReceipts(request).checks()).noneMatch(ReceiptCheck::found);
    simClock.advance(Duration.ofMinutes(4));
    assertThat(activity.verifyReceipts(request).checks()).noneMatch(ReceiptCheck::found);
    assertThat(lookups()).hasSize(2);

    simClock.advance(Duration.ofMinutes(2));
    ReceiptCheckResult result = activity.verifyReceipts(request);
    assertThat(result.checks()).extracting(ReceiptCheck::sent).containsExactlyElementsOf(sent);
    assertThat(result.checks()).allMatch(ReceiptCheck::found).allMatch(c -> c.eventId() != null);
    assertThat(result.indexedThrough()).isEqualTo(NOW);

    // By key when there is no MeteringRecordId; a different quantity is not a receipt.
    SentRecord byKey = new SentRecord(sent.get(0).record(), null, NOW);
    MeteringRecord r = sent.get(1).record();
    SentRecord otherQuantity =
        new SentRecord(
            new MeteringRecord(r.customer(), r.dimension(), r.timestamp(), r.quantity() + 1),
            null,
            NOW);
    SentRecord idOfOtherRecord =
        new SentRecord(otherQuantity.record(), sent.get(1).meteringRecordId(), NOW);
    List<ReceiptCheck> checks =
        index.check(PRODUCT, List.of(byKey, otherQuantity, idOfOtherRecord)).checks();
    assertThat(checks).extracting(ReceiptCheck::found).containsExactly(true, false, false);
    // Missing records within minRefreshInterval are answered from the index: no new call.
    assertThat(lookups()).hasSize(3);
  }

  @Test
  void aDroppedEventIsNotFoundWhileTheLedgerHasIt() {
    start(2);
    CloudTrailReceiptIndex index = index().build();
    sim.setFaults(FaultSpec.builder().dropCloudTrailEventsNext(1).build());
    SentRecord dropped = send(1, 1).get(0);
    SentRecord kept = send(2, 1).get(0);
    simClock.advance(DELAY.plusMinutes(1));

    List<ReceiptCheck> checks = index.check(PRODUCT, List.of(dropped, kept)).checks();
    assertThat(checks).extracting(ReceiptCheck::found).containsExactly(false, true);
    assertThat(sim.ledger(PRODUCT, dropped.record().customer().value())).hasSize(1);
  }

  @Test
  void loadTestTwoThousandCustomersCostAFewLookupsAtMostTwoPerSecond() throws Exception {
    start(2);
    int customers = 2_000;
    List<SentRecord> sent = send(1, customers);
    assertThat(
            sim.requestLog().stream().filter(e -> e.operation().equals("BatchMeterUsage")).count())
        .isEqualTo(80);
    assertThat(sim.cloudTrailEvents()).hasSize(80);
    simClock.advance(DELAY.plusMinutes(1));
    sim.clearRequestLog();

    ReceiptVerificationActivitiesImpl activity =
        new ReceiptVerificationActivitiesImpl(index().build());
    ExecutorService pool = Executors.newFixedThreadPool(16);
    long started = System.nanoTime();
    List<Future<ReceiptCheckResult>> futures = new ArrayList<>();
    try {
      for (SentRecord s : sent) {
        futures.add(
            pool.submit(
                () -> activity.verifyReceipts(new ReceiptCheckRequest(PRODUCT, List.of(s)))));
      }
      int found = 0;
      for (Future<ReceiptCheckResult> f : futures) {
        ReceiptCheck check = f.get().checks().get(0);
        found += check.found() ? 1 : 0;
      }
      long wallMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
      List<RequestLogEntry> lookups = lookups();
      int perSecond = maxPerSecond(lookups);
      log.info(
          "LOAD TEST: {} customers, 80 events, {} concurrent checks on 16 threads: {} found; simulator saw "
              + "{} LookupEvents calls (limit {}), max {} in any 1 s window, {} throttled; wall time {} ms",
          customers,
          sent.size(),
          found,
          lookups.size(),
          (80 + 49) / 50 + 3,
          perSecond,
          lookups.stream().filter(e -> e.errorType() != null).count(),
          wallMillis);
      assertThat(found).isEqualTo(customers);
      assertThat(lookups.size()).isLessThanOrEqualTo((80 + 49) / 50 + 3);
      assertThat(perSecond).isLessThanOrEqualTo(2);
      assertThat(lookups).allMatch(e -> e.status() == 200);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void throttledPagesAreRetriedUntilTheWindowIsRead() {
    start(2);
    List<SentRecord> sent = send(1, 30 * 25).stream().toList();
    simClock.advance(DELAY.plusMinutes(1));
    sim.clearRequestLog();
    CloudTrailReceiptIndex index =
        index()
            .lookupsPerSecond(10)
            .pageSize(5)
            .throttleBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
            .maxThrottleRetries(10)
            .build();

    List<ReceiptCheck> checks = index.check(PRODUCT, sent).checks();

    assertThat(checks).hasSize(sent.size()).allMatch(ReceiptCheck::found);
    assertThat(lookups()).anyMatch(e -> "ThrottlingException".equals(e.errorType()));
    assertThat(lookups().stream().filter(e -> e.status() == 200).count()).isEqualTo(6);
    assertThat(index.throttledCalls()).isPositive();
  }

  @Test
  void throttlingBeyondTheRetriesFailsRetryably() {
    start(2);
    List<SentRecord> sent = send(1, 10 * 25);
    simClock.advance(DELAY.plusMinutes(1));
    CloudTrailReceiptIndex index =
        index().lookupsPerSecond(20).pageSize(1).maxThrottleRetries(0).build();

    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> index.check(PRODUCT, sent));

    assertThat(failure.getType()).isEqualTo("CloudTrailThrottled");
    assertThat(failure.isNonRetryable()).isFalse();
  }

  // ---------------------------------------------------------------- single flight, without HTTP

  @Test
  void concurrentCallersShareOneRefresh() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String json =
        """
        {"eventName":"BatchMeterUsage","eventID":"e1","requestParameters":{"productCode":"p"},
         "responseElements":{"results":[{"usageRecord":{"dimension":"d","timestamp":"Nov 26, 2026 10:00:00 AM",
           "customerIdentifier":"c1","quantity":2},"meteringRecordId":"m1","status":"Success"}]}}
        """;
    CloudTrailReceiptIndex index =
        CloudTrailReceiptIndex.builder(
                (start, max, token) -> {
                  calls.incrementAndGet();
                  try {
                    Thread.sleep(300);
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  return new TrailPage(
                      List.of(new TrailEvent("e1", "BatchMeterUsage", "s", NOW, json)), null);
                })
            .clock(new SimClock(simClock))
            .build();
    SentRecord found =
        new SentRecord(new MeteringRecord(CustomerId.legacy("c1"), "d", HOUR, 2), "m1", NOW);
    SentRecord missing =
        new SentRecord(new MeteringRecord(CustomerId.legacy("c2"), "d", HOUR, 2), null, NOW);

    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<ReceiptCheckResult>> futures = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        futures.add(pool.submit(() -> index.check("p", List.of(found, missing))));
      }
      for (Future<ReceiptCheckResult> f : futures) {
        assertThat(f.get().checks()).extracting(ReceiptCheck::found).containsExactly(true, false);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(calls).hasValue(1);
    simClock.advance(Duration.ofSeconds(61));
    index.check("p", List.of(missing));
    assertThat(calls).hasValue(2);
    // Evicted after the retention.
    simClock.advance(Duration.ofHours(13));
    assertThat(index.check("p", List.of(found)).checks().get(0).found()).isFalse();
    assertThat(index.size()).isZero();
  }

  /**
   * The chaos run's double bill, narrowly: a record of unknown fate (the submission timed out at
   * the window's end while a late attempt of it was still calling) is billed after the index's last
   * refresh; the workflow looks for it one short verify delay (PT10S periods: 5 s) later. The
   * index, refreshed less than {@code minRefreshInterval} before, must read again rather than
   * answer "not found" (the usage would be carried and billed twice). Misses of accepted records
   * stay rate limited.
   */
  @Test
  void aMissOfUnknownFateIsReadAgainWithinTheMinimumRefreshInterval() {
    List<TrailEvent> delivered = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    CloudTrailReceiptIndex index =
        CloudTrailReceiptIndex.builder(
                (start, max, token) -> {
                  calls.incrementAndGet();
                  return new TrailPage(List.copyOf(delivered), null);
                })
            .clock(new SimClock(simClock))
            .build();
    SentRecord earlier =
        new SentRecord(new MeteringRecord(CustomerId.legacy("c1"), "d", HOUR, 2), "m1", NOW);
    assertThat(index.check("p", List.of(earlier)).checks().get(0).found()).isFalse();
    assertThat(calls).hasValue(1);

    // The workflow gives up on the record at +1 s (fate unknown); a late attempt bills it at +2 s.
    Instant givenUp = NOW.plusSeconds(1);
    SentRecord unknown =
        new SentRecord(new MeteringRecord(CustomerId.legacy("c2"), "d", HOUR, 7), null, givenUp);
    delivered.add(event("e2", "c2", 7, NOW.plusSeconds(2)));
    simClock.advance(Duration.ofSeconds(10)); // the look, one verify delay later

    assertThat(index.check("p", List.of(unknown)).checks().get(0).found())
        .as("billed after the last refresh: found by a new read")
        .isTrue();
    assertThat(calls).hasValue(2);

    // An accepted record (with its MeteringRecordId) missing within minRefreshInterval is answered
    // from the index, as before: it is only checked again later.
    SentRecord accepted =
        new SentRecord(new MeteringRecord(CustomerId.legacy("c3"), "d", HOUR, 1), "m3", NOW);
    simClock.advance(Duration.ofSeconds(5));
    assertThat(index.check("p", List.of(accepted)).checks().get(0).found()).isFalse();
    assertThat(calls).hasValue(2);
  }

  private static TrailEvent event(String id, String customer, long quantity, Instant at) {
    String json =
        """
        {"eventName":"BatchMeterUsage","eventID":"%s","requestParameters":{"productCode":"p"},
         "responseElements":{"results":[{"usageRecord":{"dimension":"d","timestamp":"Nov 26, 2026 10:00:00 AM",
           "customerIdentifier":"%s","quantity":%d},"meteringRecordId":"m-%s","status":"Success"}]}}
        """
            .formatted(id, customer, quantity, id);
    return new TrailEvent(id, "BatchMeterUsage", "s", at, json);
  }
}
