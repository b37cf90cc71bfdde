package dev.hourmeter.it;

import static dev.hourmeter.it.IntakeProbe.usage;
import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hourmeter.activities.aws.MarketplaceGateway;
import dev.hourmeter.simulator.Agreement;
import dev.hourmeter.simulator.AgreementSpec;
import dev.hourmeter.simulator.ApiOperation;
import dev.hourmeter.simulator.FaultSpec;
import dev.hourmeter.simulator.InMemoryAgreementEventSink;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.simulator.SimulatorAgreements;
import dev.hourmeter.worker.catalog.TestCatalogs;
import dev.hourmeter.worker.intake.AgreementStatusLookup;
import dev.hourmeter.worker.intake.LifecycleEventHandler;
import dev.hourmeter.worker.intake.LifecycleEventHandler.Disposition;
import dev.hourmeter.worker.intake.LifecycleTemporal;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.model.api.AgreementChain;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The intake's side of an ended agreement: why it ended, learnt from the event or, when the event
 * does not say, from DescribeAgreement through the real {@code marketplaceagreement} SDK client
 * ({@link MarketplaceGateway#forSimulator}) against the simulator over HTTP, and what the
 * customer's workflow is told (time-skipping Temporal, real workflow and activities). Agreements
 * are created, renewed and cancelled in the simulator, whose own EventBridge events (kept in
 * memory) are fed to the handler, some with {@code detail.agreement.status} stripped or made
 * hostile.
 */
// Runs alone: in one clean CI run, beside another class, the invalid-agreement-id case found no
// unsubscribe in the second license's history (not reproduced in isolated runs; cause not found).
@Isolated
class AgreementEndedIntakeTest {

  private static final String PRODUCT = "prod-ended-ca";
  private static final String ACCOUNT = "210987654321";
  private static final String ENDED = "Purchase Agreement Ended";
  private static final String CREATED = "Purchase Agreement Created";
  private static final String DEPROVISIONED = "License Deprovisioned";
  private static final WorkflowExecutionStatus RUNNING =
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InMemoryAgreementEventSink events = new InMemoryAgreementEventSink();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private MeteringTestEnvironment env;
  private MarketplaceGateway gateway;
  private IntakeProbe probe;
  private LifecycleEventHandler handler;
  private int messages;

  @BeforeEach
  void setUp() {
    env = new MeteringTestEnvironment(new InMemoryUsageSource(), events);
    gateway = MarketplaceGateway.forSimulator(env.simulator.endpoint(), new SimpleMeterRegistry());
    probe = new IntakeProbe(env.client, registry);
    handler = handler(gateway.agreements()::status);
  }

  @AfterEach
  void tearDown() {
    if (gateway != null) {
      gateway.close();
    }
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aRenewalWhoseEndedEventDoesNotSayWhyIsAskedOfDescribeAgreementAndHandedOver() {
    Agreement old = createAndStart();
    String oldId = workflowId(old);
    env.sleepUntil(at(0, 40));
    SimulatorAgreements.Succession renewal = env.simulator.agreements().renew(old.id());
    String ended = event(ENDED, old.id());
    assertThat(status(ended)).as("the simulator's event says").isEqualTo("RENEWED");

    env.simulator.clearRequestLog();
    assertThat(handle(withStatus(ended, null))).isEqualTo(Disposition.DELETE);

    assertThat(describeAgreementCalls())
        .as("asked why, once, and answered")
        .extracting(RequestLogEntry::status)
        .containsExactly(200);
    // A signal that arrives during a workflow task reaches the history when the task completes.
    IntakeProbe.awaitTrue(
        "agreementEnded in the history", () -> probe.signals(oldId, "agreementEnded") >= 1);
    assertThat(probe.signals(oldId, "agreementEnded")).isEqualTo(1);
    assertThat(probe.signals(oldId, "unsubscribe")).isZero();
    AgreementChain chain = probe.stub(oldId).status().agreement();
    assertThat(chain.endStatus()).isEqualTo("RENEWED");
    assertThat(chain.endedAt()).as("the event's time").isEqualTo(at(0, 40));
    assertThat(probe.status(oldId)).isEqualTo(RUNNING);
    assertThat(probe.processed("signalled")).isEqualTo(1);

    // The event as AWS sends it (status RENEWED) needs no call; a duplicate changes nothing.
    assertThat(handle(ended)).isEqualTo(Disposition.DELETE);
    assertThat(describeAgreementCalls()).hasSize(1);
    // A signal that arrives during a workflow task reaches the history when the task completes.
    IntakeProbe.awaitTrue(
        "agreementEnded in the history", () -> probe.signals(oldId, "agreementEnded") >= 2);
    assertThat(probe.signals(oldId, "agreementEnded")).isEqualTo(2);
    assertThat(probe.stub(oldId).status().agreement().endedAt()).isEqualTo(at(0, 40));

    // The successor's creation starts its own workflow.
    assertThat(handle(event(CREATED, renewal.successor().id()))).isEqualTo(Disposition.DELETE);
    assertThat(probe.status(workflowId(renewal.successor()))).isEqualTo(RUNNING);
    assertThat(probe.status(oldId)).isEqualTo(RUNNING);
  }

  @Test
  void aCancellationWhoseEndedEventDoesNotSayWhyEndsMetering() {
    Agreement agreement = createAndStart();
    String id = workflowId(agreement);
    env.sleepUntil(at(0, 30));
    probe.stub(id).reportUsage(usage("u1", at(0, 30), 6));
    env.simulator.agreements().end(agreement.id());
    String ended = event(ENDED, agreement.id());
    assertThat(status(ended)).isEqualTo("CANCELLED");

    env.simulator.clearRequestLog();
    assertThat(handle(withStatus(ended, null))).isEqualTo(Disposition.DELETE);

    // The served SDK model has no CANCELLED: read as text, not UNKNOWN_TO_SDK_VERSION.
    assertThat(describeAgreementCalls()).extracting(RequestLogEntry::status).containsExactly(200);
    // A signal that arrives during a workflow task reaches the history when the task completes.
    IntakeProbe.awaitTrue(
        "unsubscribe in the history", () -> probe.signals(id, "unsubscribe") >= 1);
    assertThat(probe.signals(id, "unsubscribe")).isEqualTo(1);
    assertThat(probe.signals(id, "agreementEnded")).isZero();
    WorkflowStub.fromTyped(probe.stub(id)).getResult(Void.class);
    assertThat(probe.stub(id).status().state()).isEqualTo(MeteringState.ENDED);
    assertThat(probe.stub(id).status().agreement()).isNull();
    assertThat(env.simulator.ledger(PRODUCT, ACCOUNT, agreement.licenseArn()))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 6L));
  }

  @Test
  void aDescribeAgreementFailureARetryCanMendKeepsTheMessage() throws IOException {
    Agreement old = createAndStart();
    String oldId = workflowId(old);
    env.simulator.agreements().renew(old.id());
    String ended = withStatus(event(ENDED, old.id()), null);

    // A 500 and a throttle from DescribeAgreement (injected; the faults name the operation).
    env.simulator.clearRequestLog();
    env.simulator.setFaults(
        FaultSpec.builder()
            .serverErrorNext(1)
            .throttleNext(1)
            .operations(ApiOperation.DESCRIBE_AGREEMENT)
            .build());
    assertThat(handle(ended)).isEqualTo(Disposition.RETRY);
    assertThat(handle(ended)).isEqualTo(Disposition.RETRY);
    assertThat(retried()).isEqualTo(2);
    assertThat(describeAgreementCalls())
        .extracting(RequestLogEntry::status)
        .containsExactlyInAnyOrder(500, 400);
    assertThat(describeAgreementCalls())
        .extracting(RequestLogEntry::errorType)
        .contains("ThrottlingException");

    // DescribeAgreement unreachable (nothing listens on the port): the same.
    LifecycleEventHandler unreachable;
    try (MarketplaceGateway closed =
        MarketplaceGateway.forSimulator(closedPort(), new SimpleMeterRegistry())) {
      unreachable = handler(closed.agreements()::status);
      assertThat(unreachable.handle("m-unreachable", ended)).isEqualTo(Disposition.RETRY);
    }
    assertThat(retried()).isEqualTo(3);
    assertThat(probe.signals(oldId, "agreementEnded")).isZero();
    assertThat(probe.signals(oldId, "unsubscribe")).isZero();
    assertThat(probe.processed("signalled")).isZero();

    // The later try, AWS answering again: handed over.
    assertThat(handle(ended)).isEqualTo(Disposition.DELETE);
    // A signal that arrives during a workflow task reaches the history when the task completes.
    IntakeProbe.awaitTrue(
        "agreementEnded in the history", () -> probe.signals(oldId, "agreementEnded") >= 1);
    assertThat(probe.signals(oldId, "agreementEnded")).isEqualTo(1);
    assertThat(probe.stub(oldId).status().agreement().endStatus()).isEqualTo("RENEWED");
  }

  @Test
  void anAgreementDescribeAgreementDoesNotKnowEndsMeteringAndTheMessageIsDeleted() {
    Agreement agreement = createAndStart();
    String id = workflowId(agreement);
    // An Ended event of the running license naming an agreement the simulator never made.
    String ended =
        edit(
            event(CREATED, agreement.id()),
            e -> {
              e.put("detail-type", "Purchase Agreement Ended - Manufacturer");
              agreementNode(e).put("id", "agmt-0000000000000000000000000");
              agreementNode(e).remove("status");
            });

    env.simulator.clearRequestLog();
    assertThat(handle(ended)).isEqualTo(Disposition.DELETE);
    assertThat(describeAgreementCalls())
        .extracting(RequestLogEntry::status, RequestLogEntry::errorType)
        .containsExactly(tuple(404, "ResourceNotFoundException"));
    assertThat(retried()).isZero();
    // A signal that arrives during a workflow task reaches the history when the task completes.
    IntakeProbe.awaitTrue(
        "unsubscribe in the history", () -> probe.signals(id, "unsubscribe") >= 1);
    assertThat(probe.signals(id, "unsubscribe")).isEqualTo(1);
    assertThat(probe.signals(id, "agreementEnded")).isZero();
    WorkflowStub.fromTyped(probe.stub(id)).getResult(Void.class);
    assertThat(probe.stub(id).status().state()).isEqualTo(MeteringState.ENDED);
    assertThat(probe.processed("signalled")).isEqualTo(1);
    assertThat(probe.rejected("malformed")).isZero();
  }

  @Test
  void aRenewedLicensesDeprovisioningHandsOverAgainAndTheOldWorkflowKeepsForwarding() {
    Agreement old = createAndStart();
    String oldId = workflowId(old);
    env.sleepUntil(at(0, 30));
    probe.stub(oldId).reportUsage(usage("before", at(0, 30), 5));
    env.sleepUntil(at(0, 40));
    SimulatorAgreements.Succession renewal = env.simulator.agreements().renew(old.id());
    Agreement successor = renewal.successor();
    String successorId = workflowId(successor);
    assertThat(handle(event(ENDED, old.id()))).isEqualTo(Disposition.DELETE);
    assertThat(handle(event(CREATED, successor.id()))).isEqualTo(Disposition.DELETE);
    env.successors.link(oldId, successorId, successor.licenseArn());

    // One simulator period after the renewal: the old license's deprovisioning, still RENEWED.
    env.sleepUntil(at(1, 45));
    env.simulator.agreements().deliverDue();
    String deprovisioned = event(DEPROVISIONED, old.id());
    assertThat(status(deprovisioned)).isEqualTo("RENEWED");
    env.simulator.clearRequestLog();
    assertThat(handle(deprovisioned)).isEqualTo(Disposition.DELETE);
    assertThat(describeAgreementCalls()).isEmpty();
    // A signal that arrives during a workflow task reaches the history when the task completes.
    IntakeProbe.awaitTrue(
        "agreementEnded in the history", () -> probe.signals(oldId, "agreementEnded") >= 2);
    assertThat(probe.signals(oldId, "agreementEnded")).isEqualTo(2);
    assertThat(probe.signals(oldId, "unsubscribe")).as("not ended").isZero();
    assertThat(probe.status(oldId)).isEqualTo(RUNNING);
    assertThat(probe.stub(oldId).status().state()).isEqualTo(MeteringState.HANDED_OVER);

    // Usage still addressed to the old license reaches the successor.
    env.sleepUntil(at(1, 50));
    probe.stub(oldId).reportUsage(usage("after", at(1, 50), 7));
    // The intake starts the successor with the defaults: its 01:00 period closes at 02:05 plus its
    // offset in the PT20M close spread.
    env.sleepUntil(at(2, 30));
    assertThat(probe.stub(oldId).status().agreement().forwardedReports()).isEqualTo(1);
    assertThat(env.simulator.ledger(PRODUCT, ACCOUNT, old.licenseArn()))
        .filteredOn(e -> e.quantity() > 0)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 5L));
    assertThat(env.simulator.ledger(PRODUCT, ACCOUNT, successor.licenseArn()))
        .filteredOn(e -> e.quantity() > 0)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(1), 7L));
  }

  @Test
  void hostileStatusFieldsAreTakenAsAbsentOrUnknownAndNeverBreakTheHandler() {
    Agreement old = createAndStart();
    String oldId = workflowId(old);
    env.simulator.agreements().renew(old.id());
    String ended = event(ENDED, old.id());

    // Not a string: absent, so DescribeAgreement says RENEWED.
    List<JsonNode> notText =
        List.of(
            JSON.getNodeFactory().numberNode(42),
            JSON.getNodeFactory().numberNode(new java.math.BigDecimal("1e400")),
            JSON.getNodeFactory().booleanNode(true),
            JSON.createObjectNode().put("RENEWED", "RENEWED"),
            JSON.createArrayNode().add("RENEWED"),
            JSON.getNodeFactory().nullNode(),
            TextNode.valueOf("   "));
    env.simulator.clearRequestLog();
    for (JsonNode hostile : notText) {
      assertThat(handle(withStatus(ended, hostile)))
          .as(hostile.toString())
          .isEqualTo(Disposition.DELETE);
    }
    assertThat(describeAgreementCalls()).hasSize(notText.size());
    // A signal that arrives during a workflow task reaches the history when the task completes.
    IntakeProbe.awaitTrue(
        "agreementEnded in the history",
        () -> probe.signals(oldId, "agreementEnded") >= notText.size());
    assertThat(probe.signals(oldId, "agreementEnded")).isEqualTo(notText.size());
    assertThat(probe.signals(oldId, "unsubscribe")).isZero();
    assertThat(probe.status(oldId)).isEqualTo(RUNNING);

    // An agreement id DescribeAgreement refuses as invalid, status absent: asked, refused, ended
    // as a cancellation would be (on a second license, so as not to end the first).
    Agreement other = createAndStart();
    String otherId = workflowId(other);
    String invalidId =
        edit(
            event(CREATED, other.id()),
            e -> {
              e.put("detail-type", "Purchase Agreement Ended - Manufacturer");
              agreementNode(e).put("id", "agmt' OR '1'='1" + "x".repeat(100));
              agreementNode(e).remove("status");
            });
    env.simulator.clearRequestLog();
    assertThat(handle(invalidId)).isEqualTo(Disposition.DELETE);
    assertThat(describeAgreementCalls()).extracting(RequestLogEntry::status).containsExactly(400);
    // A signal that arrives during a workflow task reaches the history when the task completes.
    IntakeProbe.awaitTrue(
        "unsubscribe in the history", () -> probe.signals(otherId, "unsubscribe") >= 1);
    assertThat(probe.signals(otherId, "unsubscribe")).isEqualTo(1);

    // A huge string (200,000 characters), or a word that is no AgreementStatus, is not believed:
    // AWS is asked (RENEWED: the hand-over stands, nothing is unsubscribed), nothing thrown, and
    // the parser keeps it out of the logs.
    for (String unknown : List.of("RENEWED" + "X".repeat(200_000), "PAUSED")) {
      env.simulator.clearRequestLog();
      assertThat(handle(withStatus(ended, TextNode.valueOf(unknown))))
          .isEqualTo(Disposition.DELETE);
      assertThat(describeAgreementCalls()).extracting(RequestLogEntry::status).containsExactly(200);
      assertThat(probe.signals(oldId, "unsubscribe")).isZero();
    }

    // A status AWS has that is no succession (CANCELLED) is believed: metering ends.
    env.simulator.clearRequestLog();
    assertThat(handle(withStatus(ended, TextNode.valueOf("CANCELLED"))))
        .isEqualTo(Disposition.DELETE);
    assertThat(describeAgreementCalls()).isEmpty();
    // A signal that arrives during a workflow task reaches the history when the task completes.
    IntakeProbe.awaitTrue(
        "unsubscribe in the history", () -> probe.signals(oldId, "unsubscribe") >= 1);
    assertThat(probe.signals(oldId, "unsubscribe")).isEqualTo(1);
    WorkflowStub.fromTyped(probe.stub(oldId)).getResult(Void.class);

    // An Ended event whose agreement is an object and whose license is missing names nobody.
    String nobody =
        edit(
            ended,
            e -> {
              ((ObjectNode) e.get("detail")).remove("license");
              ((ObjectNode) e.get("detail")).putObject("agreement").putObject("id").put("x", 1);
            });
    assertThat(handle(nobody)).isEqualTo(Disposition.LEAVE);
    assertThat(probe.rejected("malformed")).isEqualTo(1);
    assertThat(retried()).isZero();
  }

  @Test
  void anEndedEventDatedInTheFutureHandsOverNowNotThen() {
    Agreement old = createAndStart();
    String oldId = workflowId(old);
    env.sleepUntil(at(0, 30));
    probe.stub(oldId).reportUsage(usage("before", at(0, 30), 5));
    env.sleepUntil(at(0, 40));
    Agreement successor = env.simulator.agreements().renew(old.id()).successor();
    String ended = edit(event(ENDED, old.id()), e -> e.put("time", "2099-01-01T00:00:00Z"));
    assertThat(handle(ended)).isEqualTo(Disposition.DELETE);
    assertThat(handle(event(CREATED, successor.id()))).isEqualTo(Disposition.DELETE);
    env.successors.link(oldId, workflowId(successor), successor.licenseArn());

    AgreementChain chain = probe.stub(oldId).status().agreement();
    assertThat(chain.endStatus()).isEqualTo("RENEWED");
    assertThat(chain.endedAt()).as("now, not 2099").isBetween(at(0, 40), at(0, 41));
    // Usage sent to the old license after its deprovisioning (01:40) is billed to the successor,
    // not refused as the old license's (which a hand-over in 2099 did: CustomerNotSubscribed).
    env.sleepUntil(at(1, 50));
    probe.stub(oldId).reportUsage(usage("after", at(1, 50), 7));
    // The intake starts the successor with the defaults: its 01:00 period closes at 02:05 plus its
    // offset in the PT20M close spread.
    env.sleepUntil(at(2, 30));
    assertThat(probe.stub(oldId).status().state()).isEqualTo(MeteringState.HANDED_OVER);
    assertThat(env.simulator.ledger(PRODUCT, ACCOUNT, old.licenseArn()))
        .filteredOn(e -> e.quantity() > 0)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(0), 5L));
    assertThat(env.simulator.ledger(PRODUCT, ACCOUNT, successor.licenseArn()))
        .filteredOn(e -> e.quantity() > 0)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactly(tuple(hour(1), 7L));
  }

  // ---------------------------------------------------------------- helpers

  private LifecycleEventHandler handler(AgreementStatusLookup lookup) {
    return new LifecycleEventHandler(
        TestCatalogs.hourly(PRODUCT, null),
        new LifecycleTemporal(env.client, TaskQueues.METERING),
        registry,
        lookup,
        new SkippedClock());
  }

  private Disposition handle(String body) {
    return handler.handle("m-" + ++messages, body);
  }

  /** A concurrent-agreements agreement, its workflow started by its own Created event. */
  private Agreement createAndStart() {
    Agreement agreement =
        env.simulator
            .agreements()
            .create(
                new AgreementSpec(
                    PRODUCT, ACCOUNT, List.of("requests"), List.of(), null, true, false));
    assertThat(agreement.licenseArn()).isNotNull();
    assertThat(handle(event(CREATED, agreement.id()))).isEqualTo(Disposition.DELETE);
    assertThat(probe.status(workflowId(agreement))).isEqualTo(RUNNING);
    return agreement;
  }

  private static String workflowId(Agreement agreement) {
    return MeteringWorkflowIds.forCustomer(
        PRODUCT, CustomerId.licensed(agreement.accountId(), agreement.licenseArn()));
  }

  /** The simulator's latest published event {@code name} of {@code agreementId}. */
  private String event(String name, String agreementId) {
    env.simulator.agreements().deliverDue();
    List<String> found =
        events.messages().stream()
            .filter(
                m -> {
                  JsonNode e = read(m);
                  return e.path("detail-type").asText().startsWith(name + " - ")
                      && e.path("detail").path("agreement").path("id").asText().equals(agreementId);
                })
            .toList();
    assertThat(found).as(name + " of " + agreementId + " published").isNotEmpty();
    return found.get(found.size() - 1);
  }

  private static String status(String event) {
    return read(event).path("detail").path("agreement").path("status").asText(null);
  }

  /** {@code event} with {@code detail.agreement.status} set to {@code value}, removed when null. */
  private static String withStatus(String event, JsonNode value) {
    return edit(
        event,
        e -> {
          if (value == null) {
            agreementNode(e).remove("status");
          } else {
            agreementNode(e).set("status", value);
          }
        });
  }

  private static String edit(String event, Consumer<ObjectNode> change) {
    ObjectNode e = (ObjectNode) read(event);
    change.accept(e);
    return e.toString();
  }

  private static ObjectNode agreementNode(ObjectNode event) {
    return (ObjectNode) event.get("detail").get("agreement");
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<RequestLogEntry> describeAgreementCalls() {
    return env.simulator.requestLog().stream()
        .filter(r -> r.operation().equals("DescribeAgreement"))
        .toList();
  }

  private double retried() {
    return registry.counter(LifecycleEventHandler.RETRIED).count();
  }

  /** The test environment's (skipped-ahead) time, as the handler's now. */
  private final class SkippedClock extends Clock {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return env.now();
    }
  }

  /** An endpoint nothing listens on (a port just freed). */
  private static URI closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }
}
