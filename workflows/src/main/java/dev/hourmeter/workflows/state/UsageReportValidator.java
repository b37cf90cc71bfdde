package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.UsageEntry;
import dev.hourmeter.workflows.model.UsageReport;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a pushed usage report. The same rules serve the update validator (the caller gets the
 * message synchronously) and the signal handler (the report is recorded as rejected, visible in
 * {@code status}).
 */
public final class UsageReportValidator {

  public static final int MAX_ID_LENGTH = 256;
  public static final int MAX_ENTRIES = 1000;

  /** What the rules need to know about the workflow at the time the report arrives. */
  public record Context(
      Set<String> dimensions,
      Instant now,
      Instant oldestAccepted,
      Instant newestAccepted,
      boolean ended) {}

  private UsageReportValidator() {}

  /** Every problem found, each naming the field; empty when the report is acceptable. */
  public static List<String> problems(UsageReport report, Context context) {
    List<String> problems = new ArrayList<>();
    if (context.ended()) {
      problems.add("subscription has ended: usage is no longer accepted");
      return problems;
    }
    if (report == null) {
      problems.add("report: is required");
      return problems;
    }
    if (report.id() == null || report.id().isBlank()) {
      problems.add("id: is required (it makes delivery idempotent)");
    } else if (report.id().length() > MAX_ID_LENGTH) {
      problems.add("id: must be at most " + MAX_ID_LENGTH + " characters");
    }
    if (report.usage().isEmpty()) {
      problems.add("usage: must contain at least one entry");
    } else if (report.usage().size() > MAX_ENTRIES) {
      problems.add(
          "usage: at most " + MAX_ENTRIES + " entries per report, got " + report.usage().size());
    }
    for (int i = 0; i < report.usage().size() && i < MAX_ENTRIES; i++) {
      UsageEntry entry = report.usage().get(i);
      String field = "usage[" + i + "]";
      if (entry == null) {
        problems.add(field + ": is null");
        continue;
      }
      if (entry.dimension() == null || !context.dimensions().contains(entry.dimension())) {
        problems.add(
            field
                + ".dimension: '"
                + entry.dimension()
                + "' is not one of "
                + sorted(context.dimensions()));
      }
      if (entry.quantity() < 0) {
        problems.add(field + ".quantity: must be >= 0, got " + entry.quantity());
      }
      if (entry.timestamp() != null) {
        Instant at = parseTimestamp(entry.timestamp());
        if (at == null) {
          problems.add(
              field + ".timestamp: '" + entry.timestamp() + "' is not an ISO-8601 instant");
        } else if (at.isAfter(context.newestAccepted())) {
          problems.add(
              field
                  + ".timestamp: "
                  + at
                  + " is in the future (after "
                  + context.newestAccepted()
                  + ")");
        } else if (at.isBefore(context.oldestAccepted())) {
          problems.add(
              field
                  + ".timestamp: "
                  + at
                  + " is older than the dedup horizon ("
                  + context.oldestAccepted()
                  + ")");
        }
      }
    }
    return problems;
  }

  /** ISO-8601 instant ({@code 2026-11-26T10:15:00Z}) or offset date-time; null when unparseable. */
  public static Instant parseTimestamp(String text) {
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text.trim()).toInstant();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
