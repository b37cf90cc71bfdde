package dev.hourmeter.activities.batching;

import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Once the activity attempt that queued records stops waiting for them (its heartbeat says the
 * attempt timed out or was cancelled, or its time ran out), the batcher never sends them again: the
 * workflow may already be deciding their fate from the attempt's last heartbeat, and a record sent
 * after it carried the usage on would be billed twice. Against the simulator: AWS throttles every
 * call while the attempt waits, then recovers; the ledger must stay empty.
 */
class AbandonedSendTest {

  private SimulatorFixture fx;
  private MeteringBatcher batcher;

  @BeforeEach
  void start() {
    fx = new SimulatorFixture(MarketplaceSimulator.builder().autoSubscribe(true), 10);
    batcher =
        MeteringBatcher.builder(fx.gateway)
            .registry(fx.registry)
            .linger(Duration.ZERO)
            .retryBackoff(Duration.ofMillis(200))
            .maxRetries(50)
            .build();
    fx.sim.setFaults(FaultSpec.builder().throttleRate(1.0).build());
  }

  @AfterEach
  void stop() {
    batcher.close();
    fx.close();
  }

  private static final List<MeteringRecord> RECORDS =
      List.of(record(account(1), "requests", 7), record(account(2), "requests", 8));

  @Test
  void recordsOfAnAttemptWhoseHeartbeatFailedAreNeverSentAgain() throws Exception {
    AtomicInteger checkpoints = new AtomicInteger();
    SendListener listener =
        new CountingListener() {
          @Override
          public void checkpoint() {
            if (checkpoints.incrementAndGet() == 3) {
              // What context.heartbeat throws once the server timed the attempt out.
              throw new IllegalStateException("activity attempt timed out (heartbeat refused)");
            }
          }
        };

    assertThatThrownBy(
            () ->
                batcher.send(
                    new SendRequest(PRODUCT, RECORDS, "wf-1", Duration.ofMillis(150)), listener))
        .hasMessageContaining("timed out");
    int callsAtAbandon = fx.meteringCalls().size();
    assertThat(callsAtAbandon).as("calls throttled while the attempt waited").isPositive();

    fx.sim.clearFaults();
    Thread.sleep(2_000); // ten retry backoffs: the old batcher re-sent and AWS billed by now

    assertThat(fx.sim.ledger()).as("billed after the attempt ended").isEmpty();
    assertThat(fx.meteringCalls().size())
        .as("calls after the attempt ended (one may have been in flight)")
        .isLessThanOrEqualTo(callsAtAbandon + 1);
  }

  @Test
  void recordsAreNotSentAfterTheAttemptsTimeRanOut() throws Exception {
    SendRequest request =
        new SendRequest(
            PRODUCT,
            RECORDS,
            "wf-1",
            Duration.ofMillis(100),
            Instant.now().plus(Duration.ofMillis(600)));

    assertThatThrownBy(() -> batcher.send(request, new CountingListener()))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> assertThat(e.getType()).isEqualTo(SendRequest.ATTEMPT_TIME_RAN_OUT));
    int callsAtTimeOut = fx.meteringCalls().size();

    fx.sim.clearFaults();
    Thread.sleep(2_000);

    assertThat(fx.sim.ledger()).as("billed after the attempt's time ran out").isEmpty();
    assertThat(fx.meteringCalls().size()).isLessThanOrEqualTo(callsAtTimeOut + 1);
  }

  @Test
  void recordsWithdrawnBeforeAnotherCallAreReportedCertainlyNotSent() throws Exception {
    RecordingListener listener = new RecordingListener();
    SendRequest request = timed(600, 1600);

    assertTimeRanOut(request, listener);

    assertThat(fx.meteringCalls()).as("calls, every one throttled").isNotEmpty();
    assertThat(listener.notSent).containsExactlyInAnyOrder(0, 1);
    assertThat(listener.answered).isEmpty();
  }

  /**
   * A call in flight when the time to send runs out is awaited until {@code answersBy}: its answer
   * (here AWS's throttling, a certain refusal) is reported instead of an unknown fate.
   */
  @Test
  void aCallInFlightWhenTimeToSendRunsOutIsAwaitedAndItsRefusalReported() throws Exception {
    fx.sim.setFaults(FaultSpec.builder().throttleRate(1.0).latencyMillis(800).build());
    RecordingListener listener = new RecordingListener();
    SendRequest request = timed(300, 5000);

    assertTimeRanOut(request, listener);

    assertThat(fx.meteringCalls()).as("the one call in flight at 300 ms").hasSize(1);
    assertThat(listener.notSent).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void aCallInFlightWhenTimeToSendRunsOutThatSucceedsEndsTheSendNormally() throws Exception {
    fx.sim.setFaults(FaultSpec.builder().latencyMillis(800).build());
    RecordingListener listener = new RecordingListener();
    batcher.send(timed(300, 5000), listener);

    assertThat(listener.answered).containsExactlyInAnyOrder(0, 1);
    assertThat(listener.notSent).isEmpty();
    assertThat(fx.sim.ledger()).hasSize(2);
  }

  @Test
  void aCallStillInFlightWhenTheWaitEndsLeavesItsRecordsOfUnknownFate() throws Exception {
    fx.sim.setFaults(FaultSpec.builder().latencyMillis(1500).build());
    RecordingListener listener = new RecordingListener();
    SendRequest request = timed(200, 400);

    assertTimeRanOut(request, listener);

    assertThat(listener.notSent).as("AWS may yet accept them").isEmpty();
    assertThat(listener.answered).isEmpty();
    Thread.sleep(2_000);
    assertThat(fx.sim.ledger()).as("the call in flight was processed after all").hasSize(2);
  }

  @Test
  void anAttemptThatGetsItsAnswersInTimeIsUnaffected() throws Exception {
    fx.sim.clearFaults();
    AtomicInteger answered = new AtomicInteger();
    batcher.send(
        new SendRequest(
            PRODUCT, RECORDS, "wf-1", Duration.ofMillis(100), Instant.now().plusSeconds(30)),
        new CountingListener() {
          @Override
          public void finalResult(int index, RecordResult result) {
            answered.incrementAndGet();
          }
        });

    assertThat(answered).hasValue(2);
    assertThat(fx.sim.ledger()).hasSize(2);
  }

  /** Sending ends {@code sendByMillis} from now, waiting for calls {@code answersByMillis}. */
  private static SendRequest timed(long sendByMillis, long answersByMillis) {
    Instant now = Instant.now();
    return new SendRequest(
        PRODUCT,
        RECORDS,
        "wf-1",
        Duration.ofMillis(100),
        now.plusMillis(sendByMillis),
        now.plusMillis(answersByMillis));
  }

  private void assertTimeRanOut(SendRequest request, SendListener listener) {
    assertThatThrownBy(() -> batcher.send(request, listener))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> assertThat(e.getType()).isEqualTo(SendRequest.ATTEMPT_TIME_RAN_OUT));
  }

  private static class RecordingListener extends CountingListener {
    final List<Integer> notSent = new CopyOnWriteArrayList<>();
    final List<Integer> answered = new CopyOnWriteArrayList<>();

    @Override
    public void finalResult(int index, RecordResult result) {
      answered.add(index);
    }

    @Override
    public void notSent(int index) {
      notSent.add(index);
    }
  }

  private static class CountingListener implements SendListener {
    @Override
    public void finalResult(int index, RecordResult result) {}

    @Override
    public void calls(int count) {}

    @Override
    public void checkpoint() {}
  }
}
