package dev.hourmeter.activities.batching;

import static dev.hourmeter.activities.testing.SimulatorFixture.HOUR;
import static dev.hourmeter.activities.testing.SimulatorFixture.PRODUCT;
import static dev.hourmeter.activities.testing.SimulatorFixture.account;
import static dev.hourmeter.activities.testing.SimulatorFixture.record;
import static dev.hourmeter.activities.testing.SimulatorFixture.simCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hourmeter.activities.testing.SimulatorFixture;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.SubscriptionSpec;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.LoggerFactory;

/** Batcher threads are not activity threads: their log lines must still name the workflows. */
// Alone, not beside other test classes: it reads every line the batch sender's logger writes.
@Isolated
class BatcherLogContextTest {

  private final SimulatorFixture fx =
      new SimulatorFixture(MarketplaceSimulator.builder().autoSubscribe(false));
  private final MeteringBatcher batcher =
      MeteringBatcher.builder(fx.gateway)
          .registry(fx.registry)
          .linger(Duration.ofMillis(300))
          .build();
  private final Logger senderLog = (Logger) LoggerFactory.getLogger(BisectingBatchSender.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @AfterEach
  void stop() {
    senderLog.detachAppender(appender);
    batcher.close();
    fx.close();
  }

  @Test
  void aBadRecordIsLoggedWithTheWorkflowIdsOfTheSharedBatchInTheMdc() throws Exception {
    fx.sim.subscribe(SubscriptionSpec.of(PRODUCT, simCustomer(account(1)), "requests"));
    fx.sim.subscribe(SubscriptionSpec.of(PRODUCT, simCustomer(account(2)), "requests"));
    appender.start();
    senderLog.addAppender(appender);
    MeteringRecord good = record(account(1), "requests", 1);
    MeteringRecord bad = new MeteringRecord(account(2), "bogus", HOUR, 3);

    CompletableFuture<RecordOutcome> goodOutcome =
        batcher.submit(PRODUCT, List.of(good), "wf-good").get(0);
    CompletableFuture<RecordOutcome> badOutcome =
        batcher.submit(PRODUCT, List.of(bad), "wf-bad").get(0);

    assertThat(badOutcome.get(10, TimeUnit.SECONDS).result().status())
        .isEqualTo(RecordStatus.INVALID);
    assertThat(goodOutcome.get(10, TimeUnit.SECONDS).result().status())
        .isEqualTo(RecordStatus.SUCCESS);
    assertThat(appender.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getThreadName()).startsWith("metering-batch-sender-");
              assertThat(e.getFormattedMessage()).contains(account(2).value());
              assertThat(e.getMDCPropertyMap().get(BatchSettler.MDC_WORKFLOW_ID))
                  .isEqualTo("wf-good,wf-bad");
            });
  }
}
