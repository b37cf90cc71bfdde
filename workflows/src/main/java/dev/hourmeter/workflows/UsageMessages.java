package dev.hourmeter.workflows;

import static dev.hourmeter.workflows.WorkflowTime.now;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourmeter.workflows.model.api.UsageBatchReceipt;
import dev.hourmeter.workflows.model.api.UsageBatchReceipts;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The {@code recordUsage} signal and the {@code reportUsage} update, read as raw JSON payloads and
 * checked by the one {@link UsageReportValidator}: a payload the data converter could not read is a
 * rejected report (signal) or a refusal naming the field (update), never a silent drop, and nothing
 * is coerced; so is a message with more than one argument. A refused update reaches the client as a
 * non-retryable {@value #INVALID_USAGE_REPORT} failure, or a retryable {@value #USAGE_MEMORY_FULL}
 * one while the dedup memory is full (the one refusal a retry can get past). Every refusal
 * increments {@value #REFUSED_METRIC} (tags: message, reason). Registered as the workflow's dynamic
 * handlers, so other unknown names land here too: they are logged and ignored (signal) or refused
 * (update).
 */
public final class UsageMessages {

  public static final String RECORD_USAGE = "recordUsage";
  public static final String REPORT_USAGE = "reportUsage";

  /**
   * The update that takes several reports at once and answers each ({@link UsageBatchReceipt}): the
   * batch is refused as a whole only when it is unreadable, empty, over {@link #MAX_BATCH_REPORTS}
   * or the subscription has ended; otherwise each report is checked and applied in order by the
   * same rules as {@value #REPORT_USAGE}, and a refused one is kept as rejected (shown in {@code
   * status}) without losing the others.
   */
  public static final String REPORT_USAGE_BATCH = "reportUsageBatch";

  /**
   * The most reports in one {@value #REPORT_USAGE_BATCH} update: 1,000 small reports are about 200
   * KB, well inside Temporal's 2 MB payload limit (a batch of large reports may reach it first).
   */
  public static final int MAX_BATCH_REPORTS = 1000;

  /**
   * The largest {@value #REPORT_USAGE_BATCH} input accepted, serialized: 1 MiB, half of Temporal's
   * 2 MB limit on the workflow task answer that accepts the update and carries its input.
   */
  public static final int MAX_BATCH_BYTES = 1024 * 1024;

  static final String REFUSED_METRIC = "hourmeter_usage_reports_refused";

  /** The failure type of a refused {@code reportUsage} that a retry cannot make succeed. */
  public static final String INVALID_USAGE_REPORT = "InvalidUsageReport";

  /**
   * The failure type of a {@code reportUsage} refused while the dedup memory is full: retryable.
   */
  public static final String USAGE_MEMORY_FULL = "UsageMemoryFull";

  private static final String MEMORY_FULL = "memory_full";

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
    if (REPORT_USAGE_BATCH.equals(updateName)) {
      String oversize = oversizedBatch(args);
      if (oversize != null) {
        count(REPORT_USAGE_BATCH, "batch_bytes");
        throw ApplicationFailure.newNonRetryableFailure(oversize, INVALID_USAGE_REPORT);
      }
      BatchRead batch = readBatch(args);
      if (batch.problem() != null) {
        count(REPORT_USAGE_BATCH, batch.refusal());
        throw batchRefusal(batch);
      }
      return;
    }
    UsageReportValidator.Result result = checkUpdate(updateName, args);
    if (!result.valid()) {
      count(REPORT_USAGE, result.refusal());
      throw refusal(result);
    }
  }

  Object handleExecute(String updateName, EncodedValues args) {
    state.countUpdate(); // here, never in the validator: validators do not run on replay
    if (REPORT_USAGE_BATCH.equals(updateName)) {
      return executeBatch(args);
    }
    // The validator already ran; check again so a report that became invalid since is refused.
    UsageReportValidator.Result result = checkUpdate(updateName, args);
    if (!result.valid()) {
      count(REPORT_USAGE, result.refusal());
      throw refusal(result);
    }
    return state.apply(result.report(), now());
  }

  /**
   * Each report of an accepted batch, in order: checked and applied (or kept as rejected) one after
   * the other, so a later report with an id seen earlier in the batch is a duplicate.
   */
  private UsageBatchReceipts executeBatch(EncodedValues args) {
    BatchRead batch = readBatch(args); // again: the workflow may have ended since the validator ran
    if (batch.problem() != null) {
      count(REPORT_USAGE_BATCH, batch.refusal());
      throw batchRefusal(batch);
    }
    List<UsageBatchReceipt> receipts = new ArrayList<>(batch.reports().size());
    for (JsonNode report : batch.reports()) {
      Instant at = now();
      UsageReportValidator.Result result = state.check(report, at);
      if (result.valid()) {
        receipts.add(UsageBatchReceipt.of(state.apply(result.report(), at)));
        continue;
      }
      String id = UsageReportValidator.displayId(report);
      state.reject(id, at, result.problems());
      count(REPORT_USAGE_BATCH, result.refusal());
      receipts.add(
          UsageBatchReceipt.refused(
              id,
              result.refusal() == null ? "invalid" : result.refusal(),
              UsageReportValidator.summarize(result.problems()),
              MEMORY_FULL.equals(result.refusal())));
    }
    return new UsageBatchReceipts(receipts);
  }

  /**
   * Why a batch is too large to accept, or null. Checked in the validator only (validators do not
   * run on replay, and the handler must apply what an earlier run accepted): accepting an update
   * writes its whole input into the workflow task's answer, and Temporal refuses an answer over its
   * 2 MB limit and then terminates the workflow (seen on Server 1.32 with a 2.1 MB batch).
   */
  private static String oversizedBatch(EncodedValues args) {
    long bytes =
        args.toPayloads().stream()
            .flatMap(p -> p.getPayloadsList().stream())
            .mapToLong(p -> p.getSerializedSize())
            .sum();
    return bytes > MAX_BATCH_BYTES
        ? "reports: the batch is "
            + bytes
            + " bytes serialized, over the limit of "
            + MAX_BATCH_BYTES
            + ": send it in several updates (UsageReporter splits at "
            + "512 KiB)"
        : null;
  }

  private static ApplicationFailure batchRefusal(BatchRead batch) {
    return ApplicationFailure.newNonRetryableFailure(batch.problem(), INVALID_USAGE_REPORT);
  }

  /** The batch's reports as JSON, or why the batch as a whole is refused and the metric tag. */
  private record BatchRead(List<JsonNode> reports, String problem, String refusal) {}

  private BatchRead readBatch(EncodedValues args) {
    Optional<Payloads> payloads = args.toPayloads();
    int count = payloads.map(Payloads::getPayloadsCount).orElse(0);
    if (count != 1) {
      return new BatchRead(
          List.of(),
          "payload: takes one argument (the list of reports), got " + count,
          count == 0 ? "unreadable" : "extra_arguments");
    }
    Read read = read(payloads.get().getPayloads(0));
    if (read.problem() != null) {
      return new BatchRead(List.of(), read.problem(), read.refusal());
    }
    JsonNode json = read.json();
    if (json == null || !json.isArray()) {
      return new BatchRead(
          List.of(),
          "reports: must be a JSON array of reports, got "
              + (json == null ? "null" : UsageJson.describe(json)),
          "unreadable");
    }
    if (json.isEmpty() || json.size() > MAX_BATCH_REPORTS) {
      return new BatchRead(
          List.of(),
          "reports: must hold 1 to " + MAX_BATCH_REPORTS + " reports, got " + json.size(),
          "batch_size");
    }
    if (!state.takesUsage()) {
      return new BatchRead(
          List.of(), "subscription has ended: usage is no longer accepted", "ended");
    }
    List<JsonNode> reports = new ArrayList<>(json.size());
    json.forEach(reports::add);
    return new BatchRead(reports, null, null);
  }

  /**
   * The failure the client sees: retryable only when a retry can succeed (a full dedup memory frees
   * up as ids age past the horizon); every other refusal is non-retryable, as the same report is
   * refused again.
   */
  static ApplicationFailure refusal(UsageReportValidator.Result result) {
    String message = UsageReportValidator.summarize(result.problems());
    return MEMORY_FULL.equals(result.refusal())
        ? ApplicationFailure.newFailure(message, USAGE_MEMORY_FULL)
        : ApplicationFailure.newNonRetryableFailure(message, INVALID_USAGE_REPORT);
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
        ? new UsageReportValidator.Result(null, List.of(read.problem()), read.refusal())
        : state.check(read.json(), now());
  }

  /** The report as JSON (null if none), or why it cannot be read and the refusal's metric tag. */
  private record Read(JsonNode json, String problem, String refusal) {
    Read(JsonNode json, String problem) {
      this(json, problem, "unreadable");
    }
  }

  /**
   * The one payload as JSON, read from its bytes with the strict reader. More than one argument is
   * refused as a whole (a caller with another signature), keeping the first's JSON for its id.
   */
  private static Read read(EncodedValues args) {
    Optional<Payloads> payloads = args.toPayloads();
    if (payloads.isEmpty() || payloads.get().getPayloadsCount() == 0) {
      return new Read(null, null); // the validator says "report: is required"
    }
    Read first = read(payloads.get().getPayloads(0));
    int count = payloads.get().getPayloadsCount();
    if (count > 1 && first.problem() == null) {
      return new Read(
          first.json(),
          "payload: takes one argument (the report), got " + count,
          "extra_arguments");
    }
    return first;
  }

  private static Read read(Payload payload) {
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
