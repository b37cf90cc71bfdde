package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.WorkflowTime.now;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourmeter.workflows.state.CustomerState;
import dev.hourmeter.workflows.state.UsageJson;
import dev.hourmeter.workflows.state.UsageReportValidator;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.EncodedValues;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.DynamicSignalHandler;
import io.temporal.workflow.DynamicUpdateHandler;
import io.temporal.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The {@code recordUsage} signal and the {@code reportUsage} update, read as raw JSON payloads and
 * checked by the one {@link UsageReportValidator}: a payload the data converter could not read is a
 * rejected report (signal) or a refusal naming the field (update), never a silent drop, and nothing
 * is coerced. Every refusal increments {@value #REFUSED_METRIC} (tags: message, reason). Registered
 * as the workflow's dynamic handlers, so other unknown names land here too: they are logged and
 * ignored (signal) or refused (update).
 */
public final class UsageMessages {

  public static final String RECORD_USAGE = "recordUsage";
  public static final String REPORT_USAGE = "reportUsage";
  static final String REFUSED_METRIC = "hourmeter_usage_reports_refused";

  private static final Logger log = Workflow.getLogger(UsageMessages.class);

  private final CustomerState state;

  private UsageMessages(CustomerState state) {
    this.state = state;
  }

  /** Registers the handlers; call from the workflow's constructor, before any message is read. */
  static void register(CustomerState state) {
    UsageMessages messages = new UsageMessages(state);
    Workflow.registerListener((DynamicSignalHandler) messages::handle);
    Workflow.registerListener(
        new DynamicUpdateHandler() {
          @Override
          public void handleValidate(String updateName, EncodedValues args) {
            messages.handleValidate(updateName, args);
          }

          @Override
          public Object handleExecute(String updateName, EncodedValues args) {
            return messages.handleExecute(updateName, args);
          }
        });
  }

  void handle(String signalName, EncodedValues args) {
    state.countSignal(); // every signal counts toward Temporal's per-run limit, even an unknown one
    if (!RECORD_USAGE.equals(signalName)) {
      log.warn("ignoring unknown signal {}", UsageJson.truncate(signalName));
      return;
    }
    Read read = read(args);
    UsageReportValidator.Result result = check(read);
    if (!result.valid()) {
      String id = UsageReportValidator.displayId(read.json());
      state.reject(id, now(), result.problems());
      count(RECORD_USAGE, result.refusal());
      log.warn(
          "rejected usage report {}: {}", id, UsageReportValidator.summarize(result.problems()));
      return;
    }
    state.apply(result.report(), now());
  }

  void handleValidate(String updateName, EncodedValues args) {
    UsageReportValidator.Result result = checkUpdate(updateName, args);
    if (!result.valid()) {
      count(REPORT_USAGE, result.refusal());
      throw new IllegalArgumentException(UsageReportValidator.summarize(result.problems()));
    }
  }

  Object handleExecute(String updateName, EncodedValues args) {
    state.countUpdate(); // here, never in the validator: validators do not run on replay
    // The validator already ran; check again so a report that became invalid since is refused.
    UsageReportValidator.Result result = checkUpdate(updateName, args);
    if (!result.valid()) {
      count(REPORT_USAGE, result.refusal());
      throw ApplicationFailure.newNonRetryableFailure(
          UsageReportValidator.summarize(result.problems()),
          "memory_full".equals(result.refusal()) ? "UsageMemoryFull" : "InvalidUsageReport");
    }
    return state.apply(result.report(), now());
  }

  private UsageReportValidator.Result checkUpdate(String updateName, EncodedValues args) {
    if (!REPORT_USAGE.equals(updateName)) {
      return new UsageReportValidator.Result(
          null,
          List.of("update: unknown name '" + UsageJson.truncate(updateName) + "'"),
          "unknown");
    }
    return check(read(args));
  }

  private UsageReportValidator.Result check(Read read) {
    return read.problem() != null
        ? new UsageReportValidator.Result(null, List.of(read.problem()), "unreadable")
        : state.check(read.json(), now());
  }

  private record Read(JsonNode json, String problem) {}

  /** The first payload as JSON, read from its bytes with the strict reader. */
  private static Read read(EncodedValues args) {
    Optional<Payloads> payloads = args.toPayloads();
    if (payloads.isEmpty() || payloads.get().getPayloadsCount() == 0) {
      return new Read(null, null); // the validator says "report: is required"
    }
    Payload payload = payloads.get().getPayloads(0);
    String encoding =
        payload
            .getMetadataOrDefault("encoding", com.google.protobuf.ByteString.EMPTY)
            .toString(StandardCharsets.UTF_8);
    if ("binary/null".equals(encoding)) {
      return new Read(null, null);
    }
    if (!"json/plain".equals(encoding)) {
      return new Read(
          null,
          "payload: must be JSON (encoding json/plain), got encoding '"
              + UsageJson.truncate(encoding)
              + "'");
    }
    UsageJson.Parsed parsed = UsageJson.parse(payload.getData().toByteArray());
    return new Read(parsed.json(), parsed.problem());
  }

  private static void count(String message, String reason) {
    Workflow.getMetricsScope()
        .tagged(Map.of("message", message, "reason", reason == null ? "invalid" : reason))
        .counter(REFUSED_METRIC)
        .inc(1);
  }
}
