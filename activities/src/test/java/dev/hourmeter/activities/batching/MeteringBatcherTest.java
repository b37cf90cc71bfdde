package dev.hourmeter.activities.batching;

import static dev.hourmeter.activities.testing.SimulatorFixture.HOUR;
import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.record;
import static dev.hourmeter.activities.testing.SimulatorFixture.simCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The batcher against the real simulator over HTTP, with the simulator's real 10 calls/s quota. */
class MeteringBatcherTest {

  private static final Logger log = LoggerFactory.getLogger(MeteringBatcherTest.class);
  private static final int QUOTA = 10;

  private SimulatorFixture fx;
  private MeteringBatcher batcher;

  @AfterEach
  void stop() {
    if (batcher != null) {
      batcher.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  private void start(
      boolean autoSubscribe, Function<MeteringBatcher.Builder, MeteringBatcher.Builder> config) {
    fx = new SimulatorFixture(MarketplaceSimulator.builder().autoSubscribe(autoSubscribe), QUOTA);
    batcher = config.apply(MeteringBatcher.builder(fx.gateway).registry(fx.registry)).build();
  }

  private List<RequestLogEntry> meteringLog() {
    return fx.sim.requestLog().stream()
        .filter(e -> e.operation().equals("BatchMeterUsage"))
        .toList();
  }

  /** The most requests the simulator received in any one-second window starting at a request. */
  private static int maxPerSecond(List<RequestLogEntry> entries) {
    List<Instant> times = entries.stream().map(RequestLogEntry::receivedAt).sorted().toList();
    int max = 0;
    for (int i = 0, j = 0; i < times.size(); i++) {
      while (j < times.size() && times.get(j).isBefore(times.get(i).plusSeconds(1))) {
        j++;
      }
      max = Math.max(max, j - i);
    }
    return max;
  }

  private static void assertSuccessMatchesLedgerExactlyOnce(
      List<RecordOutcome> outcomes, List<LedgerEntry> ledger) {
    Map<String, Long> entriesPerKey =
        ledger.stream()
            .collect(
                Collectors.groupingBy(
                    e -> e.customer().value() + "/" + e.dimension() + "@" + e.timestamp(),
                    Collectors.counting()));
    assertThat(entriesPerKey.values()).as("each key billed exactly once").containsOnly(1L);
    Map<String, String> ids =
        ledger.stream()
            .collect(
                Collectors.toMap(
                    e -> e.customer().value() + "/" + e.dimension(),
                    LedgerEntry::meteringRecordId));
    assertThat(outcomes)
        .allSatisfy(
            o -> {
              assertThat(o.result().status()).isEqualTo(RecordStatus.SUCCESS);
              assertThat(o.result().meteringRecordId())
                  .isNotNull()
                  .isEqualTo(
                      ids.get(
                          o.result().record().customer().value()
                              + "/"
                              + o.result().record().dimension()));
            });
  }

  @Test
  void batchesOfRecordsWithManyAllocationsStayBelowOneMegabyte() throws Exception {
    start(true, b -> b);
    // 25 records of 2,500 tagged allocations (about 180 KB each on the wire) submitted at once:
    // one full queue, which a count-only batcher would send as one 4.5 MB request.
    List<MeteringRecord> records = new ArrayList<>();
    for (int c = 0; c < 25; c++) {
      List<UsageAllocation> allocations = new ArrayList<>();
      for (int a = 0; a < 2500; a++) {
        allocations.add(
            new UsageAllocation(
                a == 0 ? BigDecimal.valueOf(c + 1) : BigDecimal.ZERO,
                Map.of("key-0", String.format("value-%04d-xxxxx", a))));
      }
      records.add(record(account(c), "requests", c + 1).withAllocations(allocations));
    }

    List<RecordOutcome> outcomes =
        batcher.submit(PRODUCT, records).stream().map(CompletableFuture::join).toList();

    assertThat(outcomes)
        .allSatisfy(o -> assertThat(o.result().status()).isEqualTo(RecordStatus.SUCCESS));
    List<RequestLogEntry> calls = meteringLog();
    assertThat(calls).allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
    assertThat(calls)
        .allSatisfy(c -> assertThat(c.requestBytes()).isLessThan(1_000_000))
        .hasSizeGreaterThan(1);
    assertThat(fx.sim.ledger()).hasSize(25);
  }

  @Test
  void aThousandSingleRecordSubmissionsFromAHundredThreadsShareFullCallsWithinTheQuota()
      throws Exception {
    start(true, b -> b);
    // Warm up the JVM's HTTP and SDK paths (class loading, first connection) so the makespan
    // measures batching.
    fx.gateway
        .metering()
        .batchMeterUsage("warm-up", List.of(record(account(99_999), "requests", 0)));
    Thread.sleep(1_100);
    fx.sim.clearRequestLog();
    fx.sim.reset();
    int customers = 1_000;
    int threads = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<List<RecordOutcome>>> perThread = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      perThread.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                // Each thread plays 10 customer activities: one submission of one record each, then
                // waits for all.
                List<CompletableFuture<RecordOutcome>> mine = new ArrayList<>();
                for (int c = thread; c < customers; c += threads) {
                  mine.addAll(
                      batcher.submit(PRODUCT, List.of(record(account(c), "requests", c % 7))));
                }
                return mine.stream().map(CompletableFuture::join).toList();
              },
              pool));
    }
    long started = System.nanoTime();
    go.countDown();
    List<RecordOutcome> outcomes = new ArrayList<>();
    for (CompletableFuture<List<RecordOutcome>> f : perThread) {
      outcomes.addAll(f.get(2, TimeUnit.MINUTES));
    }
    double makespan = (System.nanoTime() - started) / 1e9;
    pool.shutdown();

    List<RequestLogEntry> calls = meteringLog();
    int records = calls.stream().mapToInt(RequestLogEntry::records).sum();
    double perCall = (double) records / calls.size();
    double bound = Math.ceil(calls.size()) / QUOTA;
    log.info(
        "batcher: {} customers, {} records in {} BatchMeterUsage calls ({} records/call), max {} calls in "
            + "any 1 s window, makespan {} s vs quota bound {} s (ratio {})",
        customers,
        records,
        calls.size(),
        String.format("%.2f", perCall),
        maxPerSecond(calls),
        String.format("%.2f", makespan),
        String.format("%.1f", bound),
        String.format("%.2f", makespan / bound));
    log.info(
        "receipts (ms after the first): {}",
        calls.stream()
            .map(
                e ->
                    java.time.Duration.between(calls.get(0).receivedAt(), e.receivedAt())
                        .toMillis())
            .toList());

    assertThat(outcomes).hasSize(customers);
    assertThat(fx.sim.ledger()).hasSize(customers);
    assertSuccessMatchesLedgerExactlyOnce(outcomes, fx.sim.ledger());
    assertThat(calls).noneMatch(e -> e.errorType() != null);
    int ideal = (customers + 24) / 25;
    assertThat(calls.size()).isLessThanOrEqualTo((int) Math.floor(1.02 * ideal) + 1);
    assertThat(perCall).isGreaterThanOrEqualTo(24.0);
    assertThat(maxPerSecond(calls)).isLessThanOrEqualTo(QUOTA);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.callIds()).hasSize(1));
    assertThat(fx.registry.get("hourmeter.batcher.calls").counter().count())
        .isEqualTo(calls.size());
    assertThat(fx.registry.get("hourmeter.batcher.batch.size").summary().mean())
        .isGreaterThanOrEqualTo(24.0);
    assertThat(fx.registry.get("hourmeter.batcher.queue.wait").timer().count())
        .isEqualTo(customers);
  }

  @Test
  void aBadRecordInASharedBatchIsInvalidAndTheOtherCustomersSucceed() throws Exception {
    start(false, b -> b.linger(Duration.ofSeconds(5)));
    List<CompletableFuture<RecordOutcome>> futures = new ArrayList<>();
    List<MeteringRecord> records = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      fx.sim.subscribe(
          SubscriptionSpec.of(PRODUCT, simCustomer(account(i)), "requests", "storage"));
      records.add(
          i == 11
              ? new MeteringRecord(account(i), "bogus", HOUR, 3)
              : record(account(i), "requests", i));
    }
    // 25 customers, one record each: one full shared batch, sent at once (no linger).
    for (MeteringRecord r : records) {
      futures.addAll(batcher.submit(PRODUCT, List.of(r)));
    }
    List<RecordOutcome> outcomes = new ArrayList<>();
    for (CompletableFuture<RecordOutcome> f : futures) {
      outcomes.add(f.get(1, TimeUnit.MINUTES));
    }

    assertThat(fx.meteringCalls().get(0))
        .as("the first call is the whole shared batch")
        .isEqualTo(25);
    RecordResult bad = outcomes.get(11).result();
    assertThat(bad.status()).isEqualTo(RecordStatus.INVALID);
    assertThat(bad.meteringRecordId()).isNull();
    assertThat(bad.detail()).startsWith("InvalidUsageDimensionException");
    List<RecordOutcome> others = new ArrayList<>(outcomes);
    others.remove(11);
    assertThat(others).hasSize(24);
    assertThat(fx.sim.ledger()).hasSize(24).noneMatch(e -> e.dimension().equals("bogus"));
    assertSuccessMatchesLedgerExactlyOnce(others, fx.sim.ledger());
    assertThat(fx.meteringCalls().size()).as("bisection").isBetween(3, 15);
    assertThat(maxPerSecond(meteringLog()))
        .as("bisection calls are rate-limited too")
        .isLessThanOrEqualTo(QUOTA);
  }

  @Test
  void aLoneSubmissionWaitsAboutTheLingerOnly() throws Exception {
    start(true, b -> b.linger(Duration.ofMillis(200)));
    long started = System.nanoTime();
    RecordOutcome outcome =
        batcher
            .submit(PRODUCT, List.of(record(account(1), "requests", 4)))
            .get(0)
            .get(1, TimeUnit.MINUTES);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    log.info("lone submission answered in {} ms (linger 200 ms)", millis);

    assertThat(outcome.result().status()).isEqualTo(RecordStatus.SUCCESS);
    assertThat(millis).isBetween(150L, 2_000L);
    assertThat(fx.meteringCalls()).containsExactly(1);
  }

  @Test
  void throttlingAndServerErrorsOnSharedBatchesAreRetriedAndEveryRecordIsBilledOnce()
      throws Exception {
    start(true, b -> b.linger(Duration.ofMillis(50)).retryBackoff(Duration.ofMillis(50)));
    fx.sim.setFaults(FaultSpec.builder().throttleNext(2).serverErrorNext(2).build());
    List<CompletableFuture<RecordOutcome>> futures = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      futures.addAll(batcher.submit(PRODUCT, List.of(record(account(i), "requests", i))));
    }
    List<RecordOutcome> outcomes = new ArrayList<>();
    for (CompletableFuture<RecordOutcome> f : futures) {
      outcomes.add(f.get(1, TimeUnit.MINUTES));
    }

    List<RequestLogEntry> calls = meteringLog();
    assertThat(calls).filteredOn(e -> "ThrottlingException".equals(e.errorType())).hasSize(2);
    assertThat(calls)
        .filteredOn(e -> "InternalServiceErrorException".equals(e.errorType()))
        .hasSize(2);
    assertThat(fx.sim.ledger()).hasSize(100);
    assertSuccessMatchesLedgerExactlyOnce(outcomes, fx.sim.ledger());
    assertThat(calls.size()).isEqualTo(4 + 4);
    assertThat(
            fx.registry
                .find("hourmeter.batcher.requeued")
                .tag("reason", "throttled")
                .counter()
                .count())
        .isEqualTo(50.0);
  }

  @Test
  void persistentThrottlingCompletesTheFuturesWithTheClassifiedRetryableError() throws Exception {
    start(true, b -> b.linger(Duration.ZERO).retryBackoff(Duration.ofMillis(20)).maxRetries(1));
    fx.sim.setFaults(FaultSpec.builder().throttleRate(1.0).build());
    CompletableFuture<RecordOutcome> future =
        batcher.submit(PRODUCT, List.of(record(account(1), "requests", 1))).get(0);

    Throwable failure = future.handle((ok, e) -> e).get(1, TimeUnit.MINUTES);

    assertThat(failure)
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.throttled()).isTrue();
              assertThat(e.errorType()).isEqualTo("ThrottlingException");
            });
    assertThat(fx.meteringCalls()).hasSize(2);
    assertThat(fx.sim.ledger()).isEmpty();
  }

  @Test
  void unprocessedRecordsAreRequeuedIntoLaterBatches() throws Exception {
    start(true, b -> b.linger(Duration.ofMillis(20)).unprocessedBackoff(Duration.ofMillis(20)));
    fx.sim.setFaults(FaultSpec.builder().unprocessedNext(3).build());
    List<CompletableFuture<RecordOutcome>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      futures.addAll(batcher.submit(PRODUCT, List.of(record(account(i), "requests", i))));
    }
    List<RecordOutcome> outcomes = new ArrayList<>();
    for (CompletableFuture<RecordOutcome> f : futures) {
      outcomes.add(f.get(1, TimeUnit.MINUTES));
    }
    assertThat(fx.meteringCalls()).containsExactly(10, 3);
    assertSuccessMatchesLedgerExactlyOnce(outcomes, fx.sim.ledger());
    assertThat(outcomes).filteredOn(o -> o.callIds().size() == 2).hasSize(3);
  }
}
