package dev.hourmeter.activities.batching;

import static dev.hourmeter.activities.testing.SimulatorFixture.HOUR;
import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.record;
import static dev.hourmeter.activities.testing.SimulatorFixture.simCustomer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import dev.hourmeter.workflows.model.activity.UsageAllocation;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batching off, against the simulator: what the sender reports to its listener. */
class DirectRecordSenderTest {

  private SimulatorFixture fx;
  private DirectRecordSender sender;
  private final Recorder listener = new Recorder();

  /** Everything a sender told its listener. */
  private static final class Recorder implements SendListener {
    final Map<Integer, RecordResult> results = new TreeMap<>();
    int calls;
    int checkpoints;

    @Override
    public void finalResult(int index, RecordResult result) {
      results.put(index, result);
    }

    @Override
    public void calls(int count) {
      calls += count;
    }

    @Override
    public void checkpoint() {
      checkpoints++;
    }
  }

  @BeforeEach
  void start() {
    fx = new SimulatorFixture();
    sender = new DirectRecordSender(fx.gateway.metering(), Duration.ofMillis(1));
  }

  @AfterEach
  void stop() {
    sender.close();
    fx.close();
  }

  private List<MeteringRecord> customers(int n) {
    List<MeteringRecord> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fx.sim.subscribe(SubscriptionSpec.of(PRODUCT, simCustomer(account(i)), "requests"));
      records.add(record(account(i), "requests", i + 1));
    }
    return records;
  }

  private void send(List<MeteringRecord> records) throws InterruptedException {
    sender.send(new SendRequest(PRODUCT, records, "wf-1", Duration.ofSeconds(3)), listener);
  }

  @Test
  void sendsAtMost25RecordsPerCallAndReportsEveryResultByIndex() throws Exception {
    List<MeteringRecord> records = customers(30);

    send(records);

    assertThat(fx.meteringCalls()).containsExactly(25, 5);
    assertThat(listener.calls).isEqualTo(2);
    assertThat(listener.checkpoints).as("one checkpoint after every call").isEqualTo(2);
    assertThat(listener.results).hasSize(30);
    listener.results.forEach(
        (i, r) -> {
          assertThat(r.record()).isEqualTo(records.get(i));
          assertThat(r.status()).isEqualTo(RecordStatus.SUCCESS);
        });
    assertThat(fx.sim.ledger()).hasSize(30);
  }

  @Test
  void recordsWithManyAllocationsAreSplitIntoRequestsBelowOneMegabyte() throws Exception {
    // 25 records of 2,500 tagged allocations: about 180 KB per record on the wire, so 25 of them
    // would be 4.5 MB in one request.
    List<MeteringRecord> records = new ArrayList<>();
    for (MeteringRecord plain : customers(25)) {
      List<UsageAllocation> allocations = new ArrayList<>();
      for (int a = 0; a < 2500; a++) {
        Map<String, String> tags = new TreeMap<>();
        tags.put("key-0", String.format("value-%04d-", a) + "x".repeat(5));
        allocations.add(new UsageAllocation(BigDecimal.ZERO, tags));
      }
      allocations.set(
          0, new UsageAllocation(BigDecimal.valueOf(plain.quantity()), allocations.get(0).tags()));
      records.add(plain.withAllocations(allocations));
    }

    send(records);

    assertThat(fx.sim.requestLog())
        .as("no request refused for its size")
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(fx.meteringCalls())
        .hasSizeGreaterThan(8)
        .allSatisfy(n -> assertThat(n).isLessThan(4));
    assertThat(listener.results.values())
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(RecordStatus.SUCCESS));
    assertThat(fx.sim.ledger())
        .hasSize(25)
        .allSatisfy(e -> assertThat(e.allocations()).hasSize(2500));
  }

  @Test
  void aBadRecordIsIsolatedAndTheOthersStillGoThrough() throws Exception {
    List<MeteringRecord> records = new ArrayList<>(customers(8));
    records.set(5, new MeteringRecord(account(5), "bogus", HOUR, 3));

    send(records);

    assertThat(listener.results).hasSize(8);
    assertThat(listener.results.get(5).status()).isEqualTo(RecordStatus.INVALID);
    assertThat(listener.results.values())
        .filteredOn(r -> r.status() == RecordStatus.SUCCESS)
        .hasSize(7);
    assertThat(listener.calls).as("the first call, then the bisection calls").isGreaterThan(1);
    assertThat(fx.sim.ledger()).hasSize(7);
  }

  @Test
  void unprocessedRecordsAreResentThenGivenUp() throws Exception {
    List<MeteringRecord> records = customers(4);
    fx.sim.setFaults(FaultSpec.builder().unprocessedRate(1.0).build());

    UnprocessedRecordsException e =
        catchThrowableOfType(UnprocessedRecordsException.class, () -> send(records));

    assertThat(e).hasMessageContaining("4 of 4 records still unprocessed after 4 sends");
    assertThat(fx.meteringCalls()).containsExactly(4, 4, 4, 4);
    assertThat(listener.results).isEmpty();
  }

  @Test
  void aRetryableErrorEndsTheSendWithTheClassifiedException() {
    List<MeteringRecord> records = customers(3);
    fx.sim.setFaults(FaultSpec.builder().throttleNext(1).build());

    MarketplaceCallException e =
        catchThrowableOfType(MarketplaceCallException.class, () -> send(records));

    assertThat(e.throttled()).isTrue();
    assertThat(e.retryable()).isTrue();
    assertThat(fx.meteringCalls()).containsExactly(3);
    assertThat(listener.results).isEmpty();
    assertThat(listener.calls).isEqualTo(1);
    assertThat(fx.sim.ledger()).isEmpty();
  }
}
