package dev.hourmeter.it;

import static dev.hourmeter.it.AwsLifecycleMessages.eventBridge;
import static dev.hourmeter.it.AwsLifecycleMessages.snsEnvelope;
import static dev.hourmeter.it.AwsLifecycleMessages.snsRaw;
import static dev.hourmeter.it.IntakeProbe.awaitTrue;
import static dev.hourmeter.it.IntakeProbe.usage;
import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.worker.catalog.TestCatalogs;
import dev.hourmeter.worker.intake.LifecycleEventHandler;
import dev.hourmeter.worker.intake.LifecycleTemporal;
import dev.hourmeter.worker.intake.SqsIntake;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle intake end to end: AWS-format messages in a real local SQS (ElasticMQ over HTTP),
 * the SDK v2 SQS client, the real workflow and activities against the Marketplace simulator
 * (time-skipping Temporal). Intake runs in real time; workflow time is skipped only where a test
 * says so.
 */
class LifecycleIntakeTest {

  private static final String PRODUCT = "prod-intake";
  private static final String LEGACY_PRODUCT = "prod-legacy";
  private static final String ACCOUNT = "123456789012";
  private static final String LICENSE = "arn:aws:license-manager::123456789012:license/l-0abc1";
  private static final String AGREEMENT = "agmt-0abc1";

  private final MeteringTestEnvironment env =
      new MeteringTestEnvironment(
          new InMemoryUsageSource(), true, Duration.ofHours(1), /* autoSubscribe= */ true);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final IntakeProbe probe = new IntakeProbe(env.client, registry);
  private LocalSqs sqs;
  private SqsIntake intake;

  @AfterEach
  void tearDown() {
    if (intake != null) {
      intake.close();
    }
    if (sqs != null) {
      sqs.close();
    }
    env.close();
  }

  private void startIntake(int maxReceives, int visibilitySeconds) {
    sqs = new LocalSqs(maxReceives, visibilitySeconds);
    LifecycleEventHandler handler =
        new LifecycleEventHandler(
            TestCatalogs.hourly(PRODUCT, LEGACY_PRODUCT),
            new LifecycleTemporal(env.client, TaskQueues.METERING),
            registry);
    intake = new SqsIntake(sqs.sqs, List.of(sqs.queueUrl), handler, 1).start();
  }

  @Test
  void anAgreementStartsIsAmendedAndEndsWithTheOpenHourFlushed() {
    startIntake(5, 30);
    String id = MeteringWorkflowIds.forCustomer(PRODUCT, CustomerId.licensed(ACCOUNT, LICENSE));
    sqs.send(created("Purchase Agreement Created - Manufacturer"));
    sqs.send(created("Purchase Agreement Created - Proposer")); // the ISV gets both roles
    awaitTrue("workflow running", () -> probe.status(id) == RUNNING);
    awaitEmptyQueue();
    String firstRun = probe.runId(id);
    assertThat(
            env.client
                .newUntypedWorkflowStub(id)
                .describe()
                .getTypedSearchAttributes()
                .get(MeteringSearchAttributes.AGREEMENT))
        .as("set at start: agreement-only events find it")
        .isEqualTo(AGREEMENT);

    env.sleepUntil(at(1, 20)); // hour 0 billed at 01:05
    probe.stub(id).reportUsage(usage("u1", at(1, 25), 8));
    sqs.send(event("Purchase Agreement Amended - Manufacturer", true));
    sqs.send(event("License Updated - Manufacturer", true));
    awaitTrue(
        "two entitlementsChanged signals", () -> probe.signals(id, "entitlementsChanged") == 2);

    sqs.send(event("Purchase Agreement Ended - Manufacturer", true));
    sqs.send(event("License Deprovisioned - Manufacturer", true)); // the second ending: no-op
    awaitTrue("unsubscribe signalled", () -> probe.signals(id, "unsubscribe") >= 1);
    WorkflowStub.fromTyped(probe.stub(id)).getResult(Void.class);
    awaitEmptyQueue();

    List<LedgerEntry> ledger = env.simulator.ledger(null, ACCOUNT, LICENSE);
    assertThat(ledger)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 0L), tuple(hour(1), 8L));
    assertThat(ledger.get(1).acceptedAt()).as("flushed at once").isBefore(at(1, 30));
    assertThat(probe.stub(id).status().state()).isEqualTo(MeteringState.ENDED);

    // A creation delivered again after the end does not restart the license.
    sqs.send(created("Purchase Agreement Created - Manufacturer"));
    sqs.send(event("License Updated - Manufacturer", true));
    awaitEmptyQueue();
    assertThat(probe.status(id))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(probe.runId(id)).isEqualTo(firstRun);
    assertThat(probe.processed("ended_not_restarted")).isEqualTo(2);
  }

  @Test
  void eventsInAnyOrderGiveOneWorkflowAndAnEndingForAnUnknownLicenseIsANoOp() {
    startIntake(5, 30);
    String other = "arn:aws:license-manager::123456789012:license/l-0other";
    String otherId = MeteringWorkflowIds.forCustomer(PRODUCT, CustomerId.licensed(ACCOUNT, other));
    sqs.send(
        eventBridge(
            "Purchase Agreement Ended - Manufacturer",
            "agmt-0other",
            ACCOUNT,
            PRODUCT,
            other,
            env.now()));
    sqs.send(event("Purchase Agreement Amended - Manufacturer", true)); // before its creation
    awaitEmptyQueue();
    assertThat(probe.status(otherId)).isNull();
    assertThat(probe.processed("not_running")).isEqualTo(2);

    // License Updated for a license not metered yet starts it; the creation after it is a no-op.
    String id = MeteringWorkflowIds.forCustomer(PRODUCT, CustomerId.licensed(ACCOUNT, LICENSE));
    sqs.send(event("License Updated - Manufacturer", true));
    awaitTrue("workflow running", () -> probe.status(id) == RUNNING);
    String run = probe.runId(id);
    sqs.send(created("Purchase Agreement Created - Manufacturer"));
    sqs.send(created("Purchase Agreement Created - Manufacturer"));
    awaitEmptyQueue();
    assertThat(probe.processed("started")).isEqualTo(1);
    assertThat(probe.processed("already_running")).isEqualTo(2);
    assertThat(probe.runId(id)).as("one run").isEqualTo(run);
  }

  @Test
  void aLegacyCustomerOverSnsIsStartedFlushedAndStartedAgainAfterReSubscribing() {
    startIntake(5, 30);
    String id = MeteringWorkflowIds.forCustomer(LEGACY_PRODUCT, "cust-sns");
    sqs.send(snsEnvelope("subscribe-success", "cust-sns", LEGACY_PRODUCT, env.now()));
    awaitTrue("workflow running", () -> probe.status(id) == RUNNING);
    sqs.send(snsRaw("subscribe-success", "cust-sns", LEGACY_PRODUCT)); // raw delivery, duplicate
    sqs.send(snsEnvelope("entitlement-updated", "cust-sns", LEGACY_PRODUCT, env.now()));
    sqs.send(snsEnvelope("subscribe-fail", "cust-failed", LEGACY_PRODUCT, env.now()));
    awaitTrue("entitlementsChanged", () -> probe.signals(id, "entitlementsChanged") == 1);
    awaitEmptyQueue();
    assertThat(probe.status(MeteringWorkflowIds.forCustomer(LEGACY_PRODUCT, "cust-failed")))
        .isNull();
    Instant subscribed = env.now();
    String firstRun = probe.runId(id);

    env.sleepUntil(at(0, 40));
    probe.stub(id).reportUsage(usage("u1", at(0, 40), 5));
    sqs.send(snsEnvelope("unsubscribe-pending", "cust-sns", LEGACY_PRODUCT, env.now()));
    awaitTrue("unsubscribe signalled", () -> probe.signals(id, "unsubscribe") == 1);
    WorkflowStub.fromTyped(probe.stub(id)).getResult(Void.class);
    assertThat(env.ledger(LEGACY_PRODUCT, "cust-sns"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 5L));

    // The first subscribe-success delivered again: older than the end, no new run.
    sqs.send(snsEnvelope("subscribe-success", "cust-sns", LEGACY_PRODUCT, subscribed));
    awaitEmptyQueue();
    assertThat(probe.runId(id)).isEqualTo(firstRun);
    // The buyer subscribes again after the end: a new run.
    sqs.send(
        snsEnvelope("subscribe-success", "cust-sns", LEGACY_PRODUCT, env.now().plusSeconds(60)));
    awaitTrue("a new run", () -> probe.status(id) == RUNNING);
    assertThat(probe.runId(id)).isNotEqualTo(firstRun);
  }

  @Test
  void unsubscribeSuccessWhileRunningEndsWithoutSending() {
    startIntake(5, 30);
    String id = MeteringWorkflowIds.forCustomer(LEGACY_PRODUCT, "cust-gone");
    sqs.send(snsRaw("subscribe-success", "cust-gone", LEGACY_PRODUCT));
    awaitTrue("workflow running", () -> probe.status(id) == RUNNING);
    env.sleepUntil(at(1, 20));
    probe.stub(id).reportUsage(usage("late", at(1, 25), 4));

    sqs.send(snsEnvelope("unsubscribe-success", "cust-gone", LEGACY_PRODUCT, env.now()));
    awaitTrue("subscriptionEnded signalled", () -> probe.signals(id, "subscriptionEnded") == 1);
    WorkflowStub.fromTyped(probe.stub(id)).getResult(Void.class);
    awaitEmptyQueue();

    assertThat(env.ledger(LEGACY_PRODUCT, "cust-gone"))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 0L));
    MeteringStatus status = probe.stub(id).status();
    assertThat(status.state()).isEqualTo(MeteringState.ENDED);
    assertThat(status.stateReason()).contains("subscription ended").contains("requests=4");
  }

  @Test
  void malformedMessagesAndUnknownProductsReachTheDeadLetterQueueAndTheConsumerGoesOn() {
    startIntake(2, 1); // two receives, one-second visibility: the DLQ within seconds
    sqs.send("this is not JSON");
    sqs.send(
        "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"Message\":\"{\\\"action\\\":\\\"x\\\"}\"}");
    sqs.send(
        eventBridge(
            "Purchase Agreement Created - Manufacturer",
            "agmt-0unknown",
            ACCOUNT,
            "prod-nobody-knows",
            LICENSE,
            env.now()));
    sqs.send(created("Purchase Agreement Created - Manufacturer"));

    String id = MeteringWorkflowIds.forCustomer(PRODUCT, CustomerId.licensed(ACCOUNT, LICENSE));
    awaitTrue("the good message still processed", () -> probe.status(id) == RUNNING);
    awaitTrue("three in the dead-letter queue", () -> deadLetters() == 3);
    awaitEmptyQueue();
    assertThat(probe.rejected("malformed")).isGreaterThanOrEqualTo(4); // 2 messages x 2 receives
    assertThat(probe.rejected("unknown_product")).isGreaterThanOrEqualTo(2);
  }

  // ---------------------------------------------------------------- helpers

  private static final WorkflowExecutionStatus RUNNING =
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

  private int deadLettersSeen;

  private int deadLetters() {
    deadLettersSeen += sqs.deadLetters().size();
    return deadLettersSeen;
  }

  private String created(String detailType) {
    return event(detailType, true);
  }

  private String event(String detailType, boolean withCustomer) {
    return eventBridge(
        detailType,
        AGREEMENT,
        ACCOUNT,
        withCustomer ? PRODUCT : null,
        withCustomer ? LICENSE : null,
        env.now());
  }

  private void awaitEmptyQueue() {
    awaitTrue("the queue emptied", () -> sqs.inQueue() == 0);
  }
}
