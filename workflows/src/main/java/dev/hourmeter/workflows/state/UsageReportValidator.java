package dev.hourmeter.workflows.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a pushed usage report as the JSON it arrived as, so that nothing is coerced: the one
 * validator of the {@code recordUsage} signal (a refused report is kept as rejected, visible in
 * {@code status}) and of the {@code reportUsage} update (the caller gets the refusal
 * synchronously). Policy (docs/usage-formats.md): unknown fields are tolerated; wrong types, nulls,
 * strings for numbers, negative and oversized quantities, and more than 6 decimal places are
 * refused naming the field. A quantity is exact (whole, or a decimal such as {@code 0.25}), never
 * rounded. A {@code timestamp} that is null or absent means "when the report arrives". Optional
 * {@code tags} follow AWS's tag rules; a bad tag is refused naming it. {@link UsageEntryValidator}
 * checks each entry.
 */
public final class UsageReportValidator {

  public static final int MAX_ID_LENGTH = 256;
  public static final int MAX_ENTRIES = 1000;
  static final int MAX_DECIMAL_PLACES = Quantities.MAX_DECIMAL_PLACES;

  /** What the rules need to know about the workflow at the time the report arrives. */
  public record Context(
      Set<String> dimensions,
      Instant now,
      Instant oldestAccepted,
      Instant newestAccepted,
      boolean ended,
      long maxEntryQuantity) {}

  /**
   * The report read from the JSON (null when there are problems), every problem found, and the kind
   * of refusal for metrics ({@code invalid}, {@code conflict}, {@code memory_full}; null if none).
   */
  public record Result(UsageReport report, List<String> problems, String refusal) {
    public Result {
      problems = List.copyOf(problems);
    }

    static Result of(UsageReport report, List<String> problems) {
      return new Result(
          problems.isEmpty() ? report : null, problems, problems.isEmpty() ? null : "invalid");
    }

    static Result refused(String refusal, String problem) {
      return new Result(null, List.of(problem), refusal);
    }

    public boolean valid() {
      return problems.isEmpty();
    }
  }

  private UsageReportValidator() {}

  /** A typed report (tests, in-process callers) is checked as the JSON it is sent as. */
  public static List<String> problems(UsageReport report, Context context) {
    return check(report == null ? null : UsageJson.toTree(report), context).problems();
  }

  /** Every problem found, each naming the field; the report when there is none. */
  public static Result check(JsonNode json, Context context) {
    List<String> problems = new ArrayList<>();
    if (context.ended()) {
      problems.add("subscription has ended: usage is no longer accepted");
      return Result.of(null, problems);
    }
    if (json == null || json.isMissingNode() || json.isNull()) {
      problems.add("report: is required");
      return Result.of(null, problems);
    }
    if (!json.isObject()) {
      problems.add("report: must be a JSON object, got " + UsageJson.describe(json));
      return Result.of(null, problems);
    }
    String id = readId(json.get("id"), problems);
    List<UsageEntry> entries = readEntries(json.get("usage"), context, problems);
    return Result.of(new UsageReport(id, entries), problems);
  }

  private static String readId(JsonNode node, List<String> problems) {
    if (node == null || node.isNull()) {
      problems.add("id: is required (it makes delivery idempotent)");
      return null;
    }
    if (!node.isTextual()) {
      problems.add("id: must be a string, got " + UsageJson.describe(node));
      return null;
    }
    String id = node.textValue();
    if (id.isBlank()) {
      problems.add("id: is required (it makes delivery idempotent)");
    } else if (id.length() > MAX_ID_LENGTH) {
      problems.add("id: must be at most " + MAX_ID_LENGTH + " characters, got " + id.length());
    }
    return id;
  }

  private static List<UsageEntry> readEntries(
      JsonNode node, Context context, List<String> problems) {
    List<UsageEntry> entries = new ArrayList<>();
    if (node == null) {
      problems.add("usage: must contain at least one entry");
      return entries;
    }
    if (!node.isArray()) {
      problems.add("usage: must be an array of entries, got " + UsageJson.describe(node));
      return entries;
    }
    if (node.isEmpty()) {
      problems.add("usage: must contain at least one entry");
    } else if (node.size() > MAX_ENTRIES) {
      problems.add(
          "usage: at most "
              + MAX_ENTRIES
              + " entries per report, got "
              + node.size()
              + " (split it into several reports)");
    }
    for (int i = 0; i < node.size() && i < MAX_ENTRIES; i++) {
      UsageEntry entry =
          UsageEntryValidator.readEntry(node.get(i), "usage[" + i + "]", context, problems);
      if (entry != null) {
        entries.add(entry);
      }
    }
    return entries;
  }

  /**
   * The per-entry quantity limit of a pushed entry, for other sources of entries (a usage file's
   * lines): the problem naming {@code field}, or null when {@code quantity} is within {@code
   * maxEntryQuantity}.
   */
  public static String entryLimitProblem(BigDecimal quantity, long maxEntryQuantity, String field) {
    return UsageEntryValidator.overLimitProblem(quantity, maxEntryQuantity, field);
  }

  /**
   * The dimension rule of a pushed entry, for other sources of entries: the problem naming {@code
   * field}, or null when {@code dimension} is one of the customer's {@code dimensions}.
   */
  public static String dimensionProblem(String dimension, Set<String> dimensions, String field) {
    return UsageEntryValidator.unknownDimensionProblem(dimension, dimensions, field);
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

  /** The report's id as sent, shortened for display; null when it has none usable. */
  public static String displayId(JsonNode json) {
    JsonNode id = json == null || !json.isObject() ? null : json.get("id");
    return id != null && id.isTextual() ? UsageJson.truncate(id.textValue()) : null;
  }

  /** A report's problems as one bounded line: the first few, then "and N more". */
  public static String summarize(List<String> problems) {
    int shown = Math.min(problems.size(), 3);
    StringBuilder line = new StringBuilder(String.join("; ", problems.subList(0, shown)));
    if (problems.size() > shown) {
      line.append("; and ").append(problems.size() - shown).append(" more");
    }
    return line.length() <= 1000 ? line.toString() : line.substring(0, 1000) + "...";
  }
}
