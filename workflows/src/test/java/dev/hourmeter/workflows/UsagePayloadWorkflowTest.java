package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.FakeActivityEnvironment.at;
import static dev.hourmeter.workflows.FakeActivityEnvironment.report;
import static dev.hourmeter.workflows.FakeActivityEnvironment.subscription;
import static dev.hourmeter.workflows.FakeActivityEnvironment.workflowId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.RejectedReport;
import dev.hourmeter.workflows.model.api.UsageReceipt;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.converter.RawValue;
import io.temporal.failure.ApplicationFailure;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Usage messages read as raw JSON: every payload the data converter used to drop or coerce is a
 * rejected report (signal) or a refusal naming the field (update); conflicts and the per-entry
 * quantity limit.
 */
class UsagePayloadWorkflowTest {

  /** A payload as a client could send it, and what the refusal must say. */
  private record Bad(String json, String reason) {}

  private static final List<Bad> BAD =
      List.of(
          new Bad(
              "{\"id\":\"p1\",\"usage\":\"x\"}",
              "usage: must be an array of entries, got string 'x'"),
          new Bad("{\"id\":\"p2\",\"usage\":[null]}", "usage[0]: is null"),
          new Bad(
              "{\"id\":\"p3\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":1e30}]}",
              "usage[0].quantity: must be at most 2147483647 per entry, got 1E+30"),
          new Bad("this is not json", "payload: is not valid JSON"),
          new Bad(
              "{\"id\":\"p5\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":1.1234567}]}",
              "usage[0].quantity: at most 6 decimal places are accepted, got 1.1234567"),
          new Bad(
              "{\"id\":\"p6\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":\"0.25\"}]}",
              "usage[0].quantity: must be a number, got string '0.25'"),
          new Bad(
              "{\"id\":\"p6b\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":-0.5}]}",
              "usage[0].quantity: must be >= 0, got -0.5"),
          new Bad(
              "{\"id\":\"p6c\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":true}]}",
              "usage[0].quantity: must be a number, got boolean true"),
          new Bad(
              "{\"id\":\"p6d\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":NaN}]}",
              "payload: is not valid JSON"),
          new Bad(
              "{\"id\":\"p6e\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":1.5e-7}]}",
              "usage[0].quantity: at most 6 decimal places are accepted"),
          new Bad(
              "{\"id\":\"p7\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":null}]}",
              "usage[0].quantity: must be a number, got null"),
          new Bad(
              "{\"id\":\"p8\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":\"12\"}]}",
              "usage[0].quantity: must be a number, got string '12'"),
          new Bad(
              "{\"id\":\"p9\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":-1}]}",
              "usage[0].quantity: must be >= 0, got -1"),
          new Bad(
              "{\"id\":\"p10\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":0.0000001}]}",
              "usage[0].quantity: at most 6 decimal places are accepted"),
          new Bad(
              "{\"id\":\"p11\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":"
                  + "9223372036854775807}]}",
              "usage[0].quantity: must be at most 2147483647 per entry"),
          new Bad(
              "{\"id\":\"p12\",\"usage\":[{\"dimension\":null,\"quantity\":1}]}",
              "usage[0].dimension: is required"),
          new Bad(
              "{\"id\":7,\"usage\":[{\"dimension\":\"requests\",\"quantity\":1}]}",
              "id: must be a string, got number 7"),
          new Bad("[1,2]", "report: must be a JSON object, got an array"));

  private final FakeActivityEnvironment env = new FakeActivityEnvironment();

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void everyUnreadableOrCoerciblePayloadSignalledIsARejectedReport() {
    MeteringSubscription subscription = subscription("cust-raw-signal", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    WorkflowStub stub = env.client.newUntypedWorkflowStub(workflowId(subscription));

    BAD.forEach(bad -> stub.signal(UsageMessages.RECORD_USAGE, json(bad.json())));
    stub.signal(UsageMessages.RECORD_USAGE, (Object) "x".getBytes(StandardCharsets.UTF_8));

    MeteringStatus status = workflow.status();
    assertThat(status.rejectedReports()).hasSize(BAD.size() + 1);
    for (int i = 0; i < BAD.size(); i++) {
      assertThat(status.rejectedReports().get(i).reason())
          .as(BAD.get(i).json())
          .contains(BAD.get(i).reason());
    }
    assertThat(status.rejectedReports().get(BAD.size()).reason())
        .contains("payload: must be JSON (encoding json/plain), got encoding 'binary/plain'");
    assertThat(status.rejectedReports().get(0).reportId()).isEqualTo("p1");
    assertThat(status.counters().rejectedReports()).isEqualTo(BAD.size() + 1);
    assertThat(status.openPeriodUsage()).as("nothing coerced into usage").isEmpty();
  }

  @Test
  void everyUnreadableOrCoerciblePayloadIsRefusedByTheUpdate() {
    MeteringSubscription subscription = subscription("cust-raw-update", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    WorkflowStub stub = env.client.newUntypedWorkflowStub(workflowId(subscription));

    for (Bad bad : BAD) {
      assertThatThrownBy(
              () -> stub.update(UsageMessages.REPORT_USAGE, UsageReceipt.class, json(bad.json())))
          .as(bad.json())
          .isInstanceOf(WorkflowUpdateException.class)
          .rootCause()
          .hasMessageContaining(bad.reason());
    }

    MeteringStatus status = workflow.status();
    assertThat(status.openPeriodUsage()).isEmpty();
    assertThat(status.rememberedReportIds()).isZero();
    assertThat(status.counters().reportsAccepted()).isZero();
  }

  @Test
  void unknownFieldsAreToleratedAndTheValidWireFormatIsUnchanged() {
    MeteringSubscription subscription = subscription("cust-raw-unknown", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    WorkflowStub stub = env.client.newUntypedWorkflowStub(workflowId(subscription));

    stub.signal(
        UsageMessages.RECORD_USAGE,
        json(
            "{\"id\":\"u1\",\"source\":\"agent-2\",\"usage\":[{\"dimension\":\"requests\","
                + "\"quantity\":3,\"unit\":\"count\",\"timestamp\":null}]}"));
    UsageReceipt receipt =
        stub.update(
            UsageMessages.REPORT_USAGE,
            UsageReceipt.class,
            json("{\"id\":\"u2\",\"usage\":[{\"dimension\":\"requests\",\"quantity\":4.000}]}"));
    workflow.recordUsage(report("u3", "requests", 5, at(0, 30)));

    assertThat(receipt.duplicate()).isFalse();
    MeteringStatus status = workflow.status();
    assertThat(status.rejectedReports()).isEmpty();
    assertThat(status.openPeriodUsage()).isEqualTo(Map.of("requests", BigDecimal.valueOf(12)));
  }

  @Test
  void aReSentIdWithDifferentContentIsAConflict() {
    MeteringSubscription subscription = subscription("cust-conflict", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));

    workflow.reportUsage(report("r-1", "requests", 5, at(0, 30)));
    assertThatThrownBy(() -> workflow.reportUsage(report("r-1", "requests", 9, at(0, 30))))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("id: 'r-1' was already reported with different usage (conflict)");
    workflow.recordUsage(report("r-1", "requests", 9, at(0, 31)));
    UsageReceipt same = workflow.reportUsage(report("r-1", "requests", 5, at(0, 30)));

    assertThat(same.duplicate()).isTrue();
    MeteringStatus status = workflow.status();
    assertThat(status.rejectedReports())
        .extracting(RejectedReport::reason)
        .singleElement()
        .asString()
        .contains("conflict");
    assertThat(status.openPeriodUsage()).isEqualTo(Map.of("requests", BigDecimal.valueOf(5)));

    env.sleepUntil(at(1, 10));
    assertThat(env.fakes.submission.records())
        .extracting(MeteringRecord::quantity)
        .containsExactly(5);
  }

  @Test
  void anEntryAboveTheConfiguredQuantityLimitIsRefused() {
    MeteringSubscription subscription =
        subscription("cust-limit", t -> t.maxEntryQuantity(100), "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));

    assertThatThrownBy(() -> workflow.reportUsage(report("big", "requests", 101, at(0, 30))))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("usage[0].quantity: must be at most 100 per entry, got 101");
    workflow.recordUsage(report("big-signal", "requests", Long.MAX_VALUE, at(0, 30)));
    workflow.reportUsage(report("ok", "requests", 100, at(0, 30)));

    MeteringStatus status = workflow.status();
    assertThat(status.rejectedReports())
        .extracting(RejectedReport::reportId)
        .containsExactly("big-signal");
    assertThat(status.openPeriodUsage()).isEqualTo(Map.of("requests", BigDecimal.valueOf(100)));
  }

  @Test
  void aFullDedupMemoryRefusesNewIdsAndNeverForgetsAnEarlyOne() {
    MeteringSubscription subscription =
        subscription("cust-full", t -> t.maxRememberedReports(3), "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));

    for (int i = 1; i <= 3; i++) {
      workflow.reportUsage(report("r-" + i, "requests", 1, at(0, 30)));
    }
    assertThatThrownBy(() -> workflow.reportUsage(report("r-4", "requests", 1, at(0, 30))))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("retry later")
        .hasMessageContaining("batch");
    workflow.recordUsage(report("r-5", "requests", 1, at(0, 30)));
    UsageReceipt first = workflow.reportUsage(report("r-1", "requests", 1, at(0, 30)));

    assertThat(first.duplicate()).as("the first id is still remembered").isTrue();
    MeteringStatus status = workflow.status();
    assertThat(status.openPeriodUsage()).isEqualTo(Map.of("requests", BigDecimal.valueOf(3)));
    assertThat(status.rememberedReportIds()).isEqualTo(3);
    assertThat(status.rejectedReports())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("dedup memory holds 3 report ids"));
  }

  /**
   * Issue 19 (the probe's findings): the client sees a refusal as retryable only when a retry can
   * succeed, a full dedup memory; every other refusal (invalid, unreadable, conflict, an unknown
   * update) is non-retryable, from the validator as from the handler.
   */
  @Test
  void aRefusalReachesTheClientRetryableOnlyWhenTheDedupMemoryIsFull() {
    MeteringSubscription subscription =
        subscription("cust-retryable", t -> t.maxRememberedReports(1), "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    WorkflowStub stub = env.client.newUntypedWorkflowStub(workflowId(subscription));

    assertRefusal(
        () -> workflow.reportUsage(report("r-bad", "bogus", 1, at(0, 30))),
        "InvalidUsageReport",
        true);
    assertRefusal(
        () -> stub.update(UsageMessages.REPORT_USAGE, UsageReceipt.class, json("not json")),
        "InvalidUsageReport",
        true);
    assertRefusal(
        () -> stub.update("reportUsageTypo", UsageReceipt.class, json("{}")),
        "InvalidUsageReport",
        true);
    workflow.reportUsage(report("r-1", "requests", 1, at(0, 30)));
    assertRefusal(
        () -> workflow.reportUsage(report("r-1", "requests", 2, at(0, 30))),
        "InvalidUsageReport",
        true);
    assertRefusal(
        () -> workflow.reportUsage(report("r-2", "requests", 1, at(0, 30))),
        "UsageMemoryFull",
        false);
  }

  private static void assertRefusal(Runnable call, String type, boolean nonRetryable) {
    assertThatThrownBy(call::run)
        .isInstanceOf(WorkflowUpdateException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(type);
              assertThat(f.isNonRetryable()).as(f.getOriginalMessage()).isEqualTo(nonRetryable);
            });
  }

  /**
   * Issue 19: a {@code recordUsage} signal with a second argument is refused as a whole and counted
   * as a rejected report (it was dropped without a count); the update refuses one too.
   */
  @Test
  void extraArgumentsAreRefusedAndCounted() {
    MeteringSubscription subscription = subscription("cust-extra-args", "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);
    env.sleepUntil(at(0, 30));
    WorkflowStub stub = env.client.newUntypedWorkflowStub(workflowId(subscription));

    stub.signal(
        UsageMessages.RECORD_USAGE,
        report("two-args", "requests", 5, at(0, 30)),
        report("second", "requests", 7, at(0, 30)));
    assertRefusal(
        () ->
            stub.update(
                UsageMessages.REPORT_USAGE,
                UsageReceipt.class,
                report("two-args-update", "requests", 5, at(0, 30)),
                "extra"),
        "InvalidUsageReport",
        true);

    MeteringStatus status = workflow.status();
    assertThat(status.rejectedReports())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reportId()).isEqualTo("two-args");
              assertThat(r.reason()).contains("payload: takes one argument (the report), got 2");
            });
    assertThat(status.counters().rejectedReports()).isEqualTo(1);
    assertThat(status.openPeriodUsage()).isEmpty();
    assertThat(status.rememberedReportIds()).isZero();
  }

  private static RawValue json(String text) {
    return new RawValue(
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFromUtf8(text))
            .build());
  }
}
