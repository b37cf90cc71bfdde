package dev.hourmeter.starter;

import static dev.hourmeter.starter.StatusFormatter.line;
import static dev.hourmeter.starter.StatusFormatter.str;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.activity.RecordResult;
import dev.hourmeter.workflows.model.api.Quantities;
import java.util.List;

/** The human-readable form of {@code status} for a customer whose latest run is closed. */
final class ClosedStatusFormatter {

  private ClosedStatusFormatter() {}

  static String format(ClosedRun run) {
    StringBuilder b = new StringBuilder();
    line(b, "workflow", run.workflowId() + " (run " + run.runId() + ")");
    String license = StatusFormatter.license(run.workflowId());
    if (license != null) {
      line(b, "license", license);
    }
    line(b, "closed", run.status() + " at " + str(run.closeTime()) + " - " + run.closeReason());
    line(b, "state", run.state() + stateNote(run));
    line(
        b,
        "attributes",
        "MeteringState="
            + str(run.meteringState())
            + ", MeteringVerification="
            + str(run.meteringVerification()));
    if (run.answer() != null) {
      b.append(System.lineSeparator())
          .append("state at the close (status query):")
          .append(System.lineSeparator());
      b.append(StatusFormatter.format(run.answer(), false));
      return b.toString();
    }
    line(b, "note", "no status query answer: " + run.queryProblem());
    ClosedRun.LastKnown known = run.lastKnown();
    b.append(System.lineSeparator())
        .append("LAST KNOWN FROM HISTORY")
        .append(System.lineSeparator());
    if (known.checkpoint() == null) {
      line(b, "start state", "unknown: " + known.checkpointProblem());
    } else {
      b.append("the state this run started from (")
          .append(str(known.runStartedAt()))
          .append(
              known.checkpoint().counters().runs() > 1 ? ", its continue-as-new checkpoint" : "")
          .append("):")
          .append(System.lineSeparator());
      b.append(StatusFormatter.format(known.checkpoint(), false));
    }
    b.append(System.lineSeparator())
        .append("since the run started:")
        .append(System.lineSeparator());
    line(
        b,
        "submissions",
        known.submissionsCompleted()
            + " SubmitUsageRecords completed"
            + (known.lastSubmissionAt() == null
                ? ""
                : ", the last at " + known.lastSubmissionAt() + ", AWS answered:"));
    if (!known.lastSubmission().isEmpty()) {
      StatusFormatter.table(
          b,
          List.of(
              "PERIOD START", "DIMENSION", "QUANTITY", "STATUS", "METERING RECORD ID", "DETAIL"),
          known.lastSubmission().stream().map(ClosedStatusFormatter::resultRow).toList());
    }
    line(
        b,
        "in flight",
        known.inFlight().isEmpty()
            ? "none"
            : known.inFlight().size()
                + " records sent or being sent at the close; whether AWS has them is unknown:");
    if (!known.inFlight().isEmpty()) {
      StatusFormatter.table(
          b,
          List.of("PERIOD START", "DIMENSION", "QUANTITY"),
          known.inFlight().stream().map(ClosedStatusFormatter::recordRow).toList());
    }
    line(
        b,
        "usage",
        known.usageSignalsReceived()
            + " recordUsage signals and "
            + known.usageUpdatesAccepted()
            + " reportUsage updates received; usage pending at the close: unknown");
    return b.toString();
  }

  /** Why the state differs from the MeteringState attribute, when it does. */
  private static String stateNote(ClosedRun run) {
    if (run.meteringState() == null || run.meteringState().equals(run.state())) {
      return "";
    }
    return " (closed: it meters no more, though its MeteringState search attribute still says "
        + run.meteringState()
        + ")";
  }

  private static List<String> resultRow(RecordResult r) {
    MeteringRecord record = r.record();
    return List.of(
        str(record.timestamp()),
        record.dimension(),
        Quantities.text(record.exactQuantity()),
        str(r.status()),
        r.meteringRecordId() == null ? "-" : r.meteringRecordId(),
        r.detail() == null ? "" : r.detail());
  }

  private static List<String> recordRow(MeteringRecord record) {
    return List.of(
        str(record.timestamp()), record.dimension(), Quantities.text(record.exactQuantity()));
  }
}
