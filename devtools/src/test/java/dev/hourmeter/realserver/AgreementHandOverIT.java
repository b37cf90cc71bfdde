package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.devtools.DevStackFixture;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.AgreementChain;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Renewals and replacements end to end: dev's stack (the simulator, its SQS queue, the lifecycle
 * intake, the worker) on the real Temporal dev server. A licensed customer's agreement is renewed
 * (Ended event first, then Created event first) or replaced mid-period while usage is sent to the
 * old license before and after the switch and to the new one after it; the simulator's ledger must
 * show every unit billed once, under the license in force when it was used. A cancellation still
 * ends metering with its final flush.
 */
class AgreementHandOverIT {

  private static final String PRODUCT = "hourmeter-demo-licensed";
  private static final Duration PERIOD = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void renewalsAndReplacementsHandOverAndCancellationsStillEnd() throws Exception {
    Path temporal = TemporalDevServer.requireBinary();
    try (DevStackFixture dev = DevStackFixture.start(temporal, 0, PERIOD)) {
      // Four customers (accounts) at once: each scenario waits mostly on period closes and
      // CloudTrail, not on the machine.
      List<Callable<Void>> scenarios =
          List.of(
              () -> handOver(dev, "222200000001", "renew", "ended-first"),
              () -> handOver(dev, "222200000002", "renew", "created-first"),
              () -> handOver(dev, "222200000003", "replace", "created-first"),
              () -> cancellation(dev, "222200000004"));
      ExecutorService pool = Executors.newFixedThreadPool(scenarios.size());
      try {
        for (Future<Void> scenario : pool.invokeAll(scenarios)) {
          try {
            scenario.get();
          } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError failed) {
              throw failed;
            }
            throw e;
          }
        }
      } finally {
        pool.shutdownNow();
      }
      // What AWS would see: no hour of a customer under two identity kinds, no deprecated field.
      assertThat(dev.simulator().identityOverlaps()).isZero();
      assertThat(dev.simulator().deprecatedQuantityRecords()).isZero();
    }
  }

  private Void handOver(DevStackFixture dev, String account, String how, String order)
      throws Exception {
    JsonNode first = createAgreement(dev, account);
    String oldLicense = first.path("licenseArn").asText();
    String oldWorkflow = MeteringWorkflowIds.forCustomer(PRODUCT, account, oldLicense);
    awaitTrue(how + ": old workflow runs", () -> running(dev, oldWorkflow), 60);

    report(dev, oldWorkflow, how + "-before", 5, null);
    // The events' time has whole seconds: renew a second later, so that "before" is before the
    // switch (a clean CI run renewed in the same second, and the 5 units, dated after the
    // truncated switch time, rightly went to the successor).
    Thread.sleep(1100);
    JsonNode second =
        post(
            dev,
            "/_sim/agreements/"
                + first.path("agreementId").asText()
                + "/"
                + how
                + "?order="
                + order,
            "");
    String newLicense = second.path("licenseArn").asText();
    assertThat(newLicense).isNotBlank().isNotEqualTo(oldLicense);
    String newWorkflow = MeteringWorkflowIds.forCustomer(PRODUCT, account, newLicense);
    awaitTrue(how + ": new workflow runs", () -> running(dev, newWorkflow), 60);
    awaitTrue(
        how + ": the old workflow knows its agreement ended",
        () -> chain(dev, oldWorkflow) != null && chain(dev, oldWorkflow).endedAt() != null,
        60);
    Instant at = chain(dev, oldWorkflow).endedAt();

    // After the switch: to the old license (forwarded), to the new one, and one dated just before
    // the switch sent to the old license after it flushed its last period at the end (AWS would
    // keep only the first record of that hour: the successor bills it).
    report(dev, oldWorkflow, how + "-after-old", 7, null);
    report(dev, newWorkflow, how + "-after-new", 11, null);
    // "Late" means after the old license's last period was flushed: wait for its record (the
    // flush checks entitlements first, which may wait for a shared call; a clean CI run sent the
    // 3 units before the flush, and the old license rightly billed them in its last period).
    Instant lateDated = at.minusMillis(200);
    awaitTrue(
        how + ": the old license's last period flushed",
        () ->
            dev.simulator().ledger(PRODUCT, account, oldLicense).stream()
                .anyMatch(e -> e.timestamp().equals(periodStart(lateDated))),
        60);
    report(dev, oldWorkflow, how + "-late-before", 3, lateDated);

    awaitTrue(
        how + ": handed over",
        () -> status(dev, oldWorkflow).state() == MeteringState.HANDED_OVER,
        120);
    awaitTrue(
        how + ": the new license billed what was sent after the switch",
        () -> billed(dev, account, newLicense) >= 21,
        120);
    // Usage sent to the old license after the hand-over still reaches the successor.
    report(dev, oldWorkflow, how + "-much-later", 13, null);
    awaitTrue(
        how + ": forwarded after the hand-over", () -> billed(dev, account, newLicense) >= 34, 120);
    Thread.sleep(PERIOD.toMillis()); // a further close must not bill anything twice

    List<LedgerEntry> old = dev.simulator().ledger(PRODUCT, account, oldLicense);
    List<LedgerEntry> successor = dev.simulator().ledger(PRODUCT, account, newLicense);
    assertThat(billed(dev, account, oldLicense)).as(how + ": old license").isEqualTo(5);
    assertThat(billed(dev, account, newLicense))
        .as(how + ": new license")
        .isEqualTo(3 + 7 + 11 + 13);
    Instant lastOldPeriod = periodStart(at.minusNanos(1));
    assertThat(old)
        .as(how + ": the old license bills nothing after the period of the switch")
        .allSatisfy(e -> assertThat(e.timestamp()).isBeforeOrEqualTo(lastOldPeriod));
    assertThat(successor)
        .as(how + ": the new license bills nothing before the period of the switch")
        .allSatisfy(e -> assertThat(e.timestamp()).isAfterOrEqualTo(periodStart(at)));

    AgreementChain oldChain = chain(dev, oldWorkflow);
    assertThat(oldChain.successor().workflowId()).isEqualTo(newWorkflow);
    assertThat(oldChain.successor().licenseArn()).isEqualTo(newLicense);
    assertThat(oldChain.endStatus()).isEqualTo(how.equals("renew") ? "RENEWED" : "REPLACED");
    AgreementChain newChain = chain(dev, newWorkflow);
    assertThat(newChain.predecessor().workflowId()).isEqualTo(oldWorkflow);
    assertThat(newChain.predecessor().handedOverAt()).isEqualTo(at);
    System.getLogger(AgreementHandOverIT.class.getName())
        .log(
            System.Logger.Level.INFO,
            how
                + " ("
                + order
                + "): hand-over at "
                + at
                + "; old license records "
                + summary(old)
                + "; new license records "
                + summary(successor));
    return null;
  }

  private Void cancellation(DevStackFixture dev, String account) throws Exception {
    JsonNode agreement = createAgreement(dev, account);
    String license = agreement.path("licenseArn").asText();
    String workflow = MeteringWorkflowIds.forCustomer(PRODUCT, account, license);
    awaitTrue("cancel: workflow runs", () -> running(dev, workflow), 60);
    report(dev, workflow, "cancel-before", 9, null);
    post(dev, "/_sim/agreements/" + agreement.path("agreementId").asText() + "/end", "");
    awaitTrue("cancel: metering ended", () -> !running(dev, workflow), 120);
    assertThat(status(dev, workflow).state()).isEqualTo(MeteringState.ENDED);
    assertThat(status(dev, workflow).agreement()).isNull();
    assertThat(billed(dev, account, license)).as("final flush").isEqualTo(9);
    return null;
  }

  private static String summary(List<LedgerEntry> entries) {
    return entries.stream()
        .filter(e -> e.quantity() > 0)
        .map(e -> e.timestamp() + " " + e.dimension() + "=" + e.quantity())
        .toList()
        .toString();
  }

  private static Instant periodStart(Instant at) {
    long p = PERIOD.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), p) * p);
  }

  private static JsonNode createAgreement(DevStackFixture dev, String account) throws Exception {
    return post(
        dev,
        "/_sim/agreements?register=" + dev.registrationUrl(),
        "{\"productCode\":\"" + PRODUCT + "\",\"customerAWSAccountId\":\"" + account + "\"}");
  }

  private static JsonNode post(DevStackFixture dev, String path, String body) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            dev.simulator().endpoint().toString().replaceAll("/$", "") + path))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void report(
      DevStackFixture dev, String workflowId, String id, long quantity, Instant timestamp) {
    dev.client()
        .newWorkflowStub(CustomerMeteringWorkflow.class, workflowId)
        .reportUsage(
            new UsageReport(
                id,
                List.of(
                    new UsageEntry(
                        "requests", quantity, timestamp == null ? null : timestamp.toString()))));
  }

  private static long billed(DevStackFixture dev, String account, String license) {
    return dev.simulator().ledger(PRODUCT, account, license).stream()
        .filter(e -> e.dimension().equals("requests"))
        .mapToLong(LedgerEntry::quantity)
        .sum();
  }

  private static MeteringStatus status(DevStackFixture dev, String workflowId) {
    return dev.client().newWorkflowStub(CustomerMeteringWorkflow.class, workflowId).status();
  }

  private static AgreementChain chain(DevStackFixture dev, String workflowId) {
    return status(dev, workflowId).agreement();
  }

  private static boolean running(DevStackFixture dev, String workflowId) {
    try {
      return dev.client().newUntypedWorkflowStub(workflowId).describe().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void awaitTrue(String what, BooleanSupplier condition, int seconds)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(seconds);
    while (Instant.now().isBefore(deadline)) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet answerable (a query before the first task, say)
      }
      Thread.sleep(250);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }
}
