package dev.hourmeter.it;

import static dev.hourmeter.it.IntakeProbe.awaitTrue;
import static dev.hourmeter.it.IntakeProbe.usage;
import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.SqsAgreementEventSink;
import dev.hourmeter.worker.catalog.ProductCatalog;
import dev.hourmeter.worker.catalog.TestCatalogs;
import dev.hourmeter.worker.intake.LifecycleEventHandler;
import dev.hourmeter.worker.intake.LifecycleTemporal;
import dev.hourmeter.worker.intake.SqsIntake;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole lifecycle path with nothing hand-written in between: agreements created, amended and
 * ended through the simulator's control API over HTTP, their AWS-format events published by the
 * simulator into a real local SQS (ElasticMQ, {@link SqsAgreementEventSink}), the intake reading
 * them with the product catalog, the real workflows billing into the simulator's ledger
 * (time-skipping Temporal; intake in real time).
 */
class SimulatorAgreementsIntakeTest {

  private static final Logger log = LoggerFactory.getLogger(SimulatorAgreementsIntakeTest.class);

  private static final String CA_PRODUCT = "prod-e2e-ca";
  private static final String LEGACY_PRODUCT = "prod-e2e-legacy";
  private static final String CA_ACCOUNT = "111122223333";
  private static final String LEGACY_ACCOUNT = "444455556666";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final WorkflowExecutionStatus RUNNING =
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  private static final WorkflowExecutionStatus COMPLETED =
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private LocalSqs sqs;
  private SqsAgreementEventSink sink;
  private MeteringTestEnvironment env;
  private IntakeProbe probe;
  private SqsIntake intake;

  @AfterEach
  void tearDown() {
    if (intake != null) {
      intake.close();
    }
    if (env != null) {
      env.close();
    }
    if (sink != null) {
      sink.close();
    }
    if (sqs != null) {
      sqs.close();
    }
  }

  private void start(int maxReceives, int visibilitySeconds) {
    sqs = new LocalSqs(maxReceives, visibilitySeconds);
    sink = SqsAgreementEventSink.create(sqs.server.endpoint(), sqs.queueUrl, "us-east-1");
    env = new MeteringTestEnvironment(new InMemoryUsageSource(), sink);
    probe = new IntakeProbe(env.client, registry);
    ProductCatalog catalog = TestCatalogs.hourly(CA_PRODUCT, LEGACY_PRODUCT);
    LifecycleEventHandler handler =
        new LifecycleEventHandler(
            catalog, new LifecycleTemporal(env.client, TaskQueues.METERING), registry);
    intake = new SqsIntake(sqs.sqs, List.of(sqs.queueUrl), handler, 1).start();
  }

  @Test
  void agreementsOfBothKindsStartAreAmendedAndEndWithTheirLastHourBilledOnce() {
    start(5, 30);
    Created ca = create(CA_PRODUCT, CA_ACCOUNT, true);
    Created legacy = create(LEGACY_PRODUCT, LEGACY_ACCOUNT, false);
    awaitTrue("both workflows running", () -> probe.status(ca.id) == RUNNING);
    awaitTrue("both workflows running", () -> probe.status(legacy.id) == RUNNING);
    assertThat(probe.agreementAttribute(ca.id)).isEqualTo(ca.agreementId);
    String caRun = probe.runId(ca.id);
    String legacyRun = probe.runId(legacy.id);

    env.sleepUntil(at(1, 20)); // hour 0 billed at 01:05
    probe.stub(ca.id).reportUsage(usage("u-ca", at(1, 25), 8));
    probe.stub(legacy.id).reportUsage(usage("u-legacy", at(1, 25), 5));
    control("POST", "/_sim/agreements/" + ca.agreementId + "/amend", "{\"entitlements\":[]}");
    control("POST", "/_sim/agreements/" + legacy.agreementId + "/amend", "{\"entitlements\":[]}");
    awaitTrue("entitlementsChanged", () -> probe.signals(ca.id, "entitlementsChanged") == 1);
    awaitTrue("entitlementsChanged", () -> probe.signals(legacy.id, "entitlementsChanged") == 1);

    control("POST", "/_sim/agreements/" + ca.agreementId + "/end", "");
    control("POST", "/_sim/agreements/" + legacy.agreementId + "/end", "");
    WorkflowStub.fromTyped(probe.stub(ca.id)).getResult(Void.class);
    WorkflowStub.fromTyped(probe.stub(legacy.id)).getResult(Void.class);
    assertThat(probe.stub(ca.id).status().state()).isEqualTo(MeteringState.ENDED);
    assertThat(probe.stub(legacy.id).status().state()).isEqualTo(MeteringState.ENDED);
    assertExactLedger(ca, legacy);

    // The final events (License Deprovisioned, unsubscribe-success) a period later: no-ops.
    env.sleepUntil(at(2, 35));
    awaitTrue("the two final events published", () -> sink.delivered().messages().size() == 8);
    awaitTrue("the final events processed", () -> probe.processed("not_running") == 2);
    awaitEmptyQueue();
    assertExactLedger(ca, legacy);
    assertThat(probe.status(ca.id)).isEqualTo(COMPLETED);
    assertThat(probe.runId(ca.id)).isEqualTo(caRun);
    assertThat(probe.runId(legacy.id)).isEqualTo(legacyRun);
    assertThat(probe.processed("started")).isEqualTo(2);
    assertThat(sink.failed()).isEmpty();
  }

  @Test
  void duplicatedAndReorderedEventsBillNothingTwiceAndNeverRestartAnEndedLicense() {
    start(5, 30);
    // Each creation twice; the first held back behind the second agreement's.
    faults("{\"duplicateEventsNext\":2,\"reorderEventsNext\":1}");
    Created ca = create(CA_PRODUCT, CA_ACCOUNT, true);
    Created legacy = create(LEGACY_PRODUCT, LEGACY_ACCOUNT, false);
    awaitTrue("workflow running", () -> probe.status(ca.id) == RUNNING);
    awaitTrue("workflow running", () -> probe.status(legacy.id) == RUNNING);
    awaitEmptyQueue();
    assertThat(sink.delivered().messages()).hasSize(4);
    assertThat(probe.processed("started")).isEqualTo(2);
    assertThat(probe.processed("already_running")).isEqualTo(2);
    String caRun = probe.runId(ca.id);
    String legacyRun = probe.runId(legacy.id);

    env.sleepUntil(at(1, 20));
    probe.stub(ca.id).reportUsage(usage("u-ca", at(1, 25), 8));
    probe.stub(legacy.id).reportUsage(usage("u-legacy", at(1, 25), 5));
    // The amendment held back behind the ending (which comes twice): it arrives after the end.
    faults("{\"duplicateEventsNext\":2,\"reorderEventsNext\":1}");
    control("POST", "/_sim/agreements/" + ca.agreementId + "/amend", "{\"entitlements\":[]}");
    control("POST", "/_sim/agreements/" + ca.agreementId + "/end", "");
    // The legacy ending held back alone (delivered after a second), then twice.
    faults("{\"duplicateEventsNext\":1,\"reorderEventsNext\":1}");
    control("POST", "/_sim/agreements/" + legacy.agreementId + "/end", "");
    // Both endings reach their workflows before the result waits below let workflow time run on
    // (they skip it): the legacy one is held back for a real second, not for skipped minutes.
    awaitTrue("the CA ending signalled", () -> probe.signals(ca.id, "unsubscribe") >= 1);
    awaitTrue("the legacy ending signalled", () -> probe.signals(legacy.id, "unsubscribe") >= 1);
    WorkflowStub.fromTyped(probe.stub(ca.id)).getResult(Void.class);
    WorkflowStub.fromTyped(probe.stub(legacy.id)).getResult(Void.class);
    awaitEmptyQueue();
    assertExactLedger(ca, legacy);

    // The final events, each delivered twice, an hour later; then a creation delivered again.
    faults("{\"duplicateEventsNext\":2}");
    env.sleepUntil(at(2, 35));
    awaitTrue("the final events published", () -> sink.delivered().messages().size() == 14);
    awaitEmptyQueue();
    assertThat(sqs.deadLetters()).isEmpty();
    String createdAgain =
        sink.delivered().messages().stream()
            .filter(m -> m.contains("Purchase Agreement Created") && m.contains(ca.licenseArn))
            .findFirst()
            .orElseThrow();
    sqs.send(createdAgain);
    awaitEmptyQueue();

    assertExactLedger(ca, legacy);
    assertThat(probe.status(ca.id)).isEqualTo(COMPLETED);
    assertThat(probe.status(legacy.id)).isEqualTo(COMPLETED);
    assertThat(probe.runId(ca.id)).as("an ended license is not restarted").isEqualTo(caRun);
    assertThat(probe.runId(legacy.id)).isEqualTo(legacyRun);
    assertThat(probe.processed("started")).isEqualTo(2);
    assertThat(probe.processed("ended_not_restarted")).isGreaterThanOrEqualTo(1);
    assertThat(probe.signals(ca.id, "unsubscribe")).isBetween(1L, 2L);
  }

  @Test
  void aMalformedEventReachesTheDeadLetterQueueAndTheConsumerGoesOn() throws IOException {
    start(2, 1); // two receives, one-second visibility: the DLQ within seconds
    faults("{\"malformedEventsNext\":1}");
    Created ca = create(CA_PRODUCT, CA_ACCOUNT, true);
    awaitTrue("the good event still processed", () -> probe.status(ca.id) == RUNNING);
    List<String> deadLetters = new ArrayList<>();
    awaitTrue(
        "the malformed event in the dead-letter queue",
        () -> {
          sqs.deadLetters().forEach(m -> deadLetters.add(m.body()));
          return !deadLetters.isEmpty();
        });
    awaitEmptyQueue();
    assertThat(deadLetters).containsExactly(sink.delivered().messages().get(0));
    assertThat(sink.delivered().messages().get(1)).startsWith(deadLetters.get(0));
    assertThat(probe.rejected("malformed")).isGreaterThanOrEqualTo(2);
    assertThat(probe.processed("started")).isEqualTo(1);
  }

  @Test
  void twoHundredAgreementsCreatedAtOnceStartTwoHundredWorkflowsOnce() throws Exception {
    start(5, 30);
    // -Dintake.agreements=1000 for the figure in docs/lifecycle-intake.md.
    int count = Integer.getInteger("intake.agreements", 200);
    long began = System.nanoTime();
    List<Created> created = new ArrayList<>();
    try (ExecutorService buyers = Executors.newFixedThreadPool(16)) {
      List<Future<Created>> answers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        boolean concurrent = i % 2 == 0;
        String account = Long.toString(500000000000L + i);
        answers.add(
            buyers.submit(
                () -> create(concurrent ? CA_PRODUCT : LEGACY_PRODUCT, account, concurrent)));
      }
      for (Future<Created> answer : answers) {
        created.add(answer.get());
      }
    }
    Duration posted = Duration.ofNanos(System.nanoTime() - began);
    awaitTrue(
        count + " workflows started",
        () -> probe.processed("started") == count,
        Duration.ofMinutes(Math.max(2, count / 100)));
    Duration allStarted = Duration.ofNanos(System.nanoTime() - began);
    for (Created c : created) {
      assertThat(probe.status(c.id)).as(c.id).isEqualTo(RUNNING);
    }
    awaitEmptyQueue();
    assertThat(created.stream().map(Created::id).distinct()).hasSize(count);
    assertThat(probe.processed("started")).isEqualTo(count);
    assertThat(probe.processed("already_running")).isZero();
    assertThat(sink.failed()).isEmpty();
    log.info(
        "{} agreements created at once through the simulator: all POSTs answered in {} ms, all {}"
            + " workflows started in {} ms",
        count,
        posted.toMillis(),
        count,
        allStarted.toMillis());
  }

  // ---------------------------------------------------------------- helpers

  /** An agreement the simulator created, and the workflow id its customer meters under. */
  private record Created(String agreementId, String licenseArn, String customer, String id) {}

  private Created create(String product, String account, boolean concurrent) {
    JsonNode agreement =
        control(
            "POST",
            "/_sim/agreements",
            "{\"productCode\":\""
                + product
                + "\",\"customerAWSAccountId\":\""
                + account
                + "\",\"dimensions\":[\"requests\"],\"concurrentAgreements\":"
                + concurrent
                + "}");
    String license =
        agreement.get("licenseArn").isNull() ? null : agreement.get("licenseArn").asText();
    String customer = concurrent ? account : agreement.get("customerIdentifier").asText();
    CustomerId customerId =
        concurrent ? CustomerId.licensed(account, license) : CustomerId.parse(customer);
    return new Created(
        agreement.get("agreementId").asText(),
        license,
        customer,
        MeteringWorkflowIds.forCustomer(product, customerId));
  }

  private void faults(String json) {
    control("POST", "/_sim/faults", json);
  }

  private JsonNode control(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(env.simulator.endpoint() + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as(method + " " + path + ": " + response.body())
          .isEqualTo(200);
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Hour 0 billed empty at 01:05, hour 1 flushed at the ending (before 01:30), nothing else. */
  private void assertExactLedger(Created ca, Created legacy) {
    List<LedgerEntry> caLedger = env.simulator.ledger(CA_PRODUCT, CA_ACCOUNT, ca.licenseArn);
    assertThat(caLedger)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 0L), tuple(hour(1), 8L));
    assertThat(caLedger.get(1).acceptedAt()).as("flushed at once").isBefore(at(1, 30));
    List<LedgerEntry> legacyLedger = env.ledger(LEGACY_PRODUCT, legacy.customer);
    assertThat(legacyLedger)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 0L), tuple(hour(1), 5L));
    assertThat(legacyLedger.get(1).acceptedAt()).as("flushed at once").isBefore(at(1, 30));
  }

  private void awaitEmptyQueue() {
    awaitTrue("the queue emptied", () -> sqs.inQueue() == 0);
  }
}
