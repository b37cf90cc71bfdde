package dev.hourmeter.workflows.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageTags;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks one entry of a pushed usage report for the {@link UsageReportValidator}, by its rules:
 * each problem is added naming the field ({@code usage[i].dimension}, {@code .quantity}, {@code
 * .timestamp}, {@code .tags}).
 */
final class UsageEntryValidator {

  private UsageEntryValidator() {}

  static UsageEntry readEntry(
      JsonNode node, String field, UsageReportValidator.Context context, List<String> problems) {
    if (node.isNull()) {
      problems.add(field + ": is null");
      return null;
    }
    if (!node.isObject()) {
      problems.add(field + ": must be an object, got " + UsageJson.describe(node));
      return null;
    }
    int before = problems.size();
    String dimension =
        readDimension(node.get("dimension"), field + ".dimension", context, problems);
    BigDecimal quantity =
        readQuantity(node.get("quantity"), field + ".quantity", context, problems);
    String timestamp =
        readTimestamp(node.get("timestamp"), field + ".timestamp", context, problems);
    Map<String, String> tags = readTags(node.get("tags"), field + ".tags", problems);
    return problems.size() == before ? new UsageEntry(dimension, quantity, timestamp, tags) : null;
  }

  /**
   * Optional {@code {"team": "a"}}: AWS's tag rules ({@link UsageTags}), each problem naming it.
   */
  private static Map<String, String> readTags(JsonNode node, String field, List<String> problems) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      problems.add(
          field + ": must be an object of tag names to values, got " + UsageJson.describe(node));
      return Map.of();
    }
    Map<String, String> tags = new TreeMap<>();
    int before = problems.size();
    for (Map.Entry<String, JsonNode> tag : node.properties()) {
      if (!tag.getValue().isTextual()) {
        problems.add(
            field
                + "."
                + UsageJson.truncate(tag.getKey())
                + ": must be a string, got "
                + UsageJson.describe(tag.getValue()));
      } else {
        tags.put(tag.getKey(), tag.getValue().textValue());
      }
    }
    problems.addAll(UsageTags.problems(tags, field));
    if (node.size() > UsageTags.MAX_TAGS && problems.size() == before) {
      problems.add(field + ": at most " + UsageTags.MAX_TAGS + " tags, got " + node.size());
    }
    return tags;
  }

  private static String readDimension(
      JsonNode node, String field, UsageReportValidator.Context context, List<String> problems) {
    if (node == null || node.isNull()) {
      problems.add(field + ": is required, one of " + sorted(context.dimensions()));
      return null;
    }
    if (!node.isTextual()) {
      problems.add(field + ": must be a string, got " + UsageJson.describe(node));
      return null;
    }
    String unknown = unknownDimensionProblem(node.textValue(), context.dimensions(), field);
    if (unknown != null) {
      problems.add(unknown);
    }
    return node.textValue();
  }

  private static BigDecimal readQuantity(
      JsonNode node, String field, UsageReportValidator.Context context, List<String> problems) {
    if (node == null) {
      problems.add(field + ": is required");
      return null;
    }
    if (!node.isNumber()) {
      problems.add(field + ": must be a number, got " + UsageJson.describe(node));
      return null;
    }
    BigDecimal value = node.decimalValue();
    String shown = UsageJson.truncate(value.toString());
    if (value.signum() < 0) {
      problems.add(field + ": must be >= 0, got " + shown);
      return null;
    }
    BigDecimal exact = value.stripTrailingZeros();
    if (exact.scale() > UsageReportValidator.MAX_DECIMAL_PLACES) {
      problems.add(
          field
              + ": at most "
              + UsageReportValidator.MAX_DECIMAL_PLACES
              + " decimal places are accepted, got "
              + shown);
      return null;
    }
    String overLimit = overLimitProblem(value, context.maxEntryQuantity(), field);
    if (overLimit != null) {
      problems.add(overLimit);
      return null;
    }
    return Quantities.canonical(exact);
  }

  /** The per-entry limit: the problem naming {@code field}, or null when within it. */
  static String overLimitProblem(BigDecimal quantity, long maxEntryQuantity, String field) {
    if (quantity.compareTo(BigDecimal.valueOf(maxEntryQuantity)) <= 0) {
      return null;
    }
    return field
        + ": must be at most "
        + maxEntryQuantity
        + " per entry, got "
        + UsageJson.truncate(quantity.toString());
  }

  /** The dimension rule: the problem naming {@code field}, or null when it is one of them. */
  static String unknownDimensionProblem(String dimension, Set<String> dimensions, String field) {
    if (dimensions.contains(dimension)) {
      return null;
    }
    return field + ": '" + UsageJson.truncate(dimension) + "' is not one of " + sorted(dimensions);
  }

  private static String readTimestamp(
      JsonNode node, String field, UsageReportValidator.Context context, List<String> problems) {
    if (node == null || node.isNull()) {
      return null; // absent: the time the report arrives
    }
    if (!node.isTextual()) {
      problems.add(field + ": must be an ISO-8601 string, got " + UsageJson.describe(node));
      return null;
    }
    Instant at = UsageReportValidator.parseTimestamp(node.textValue());
    if (at == null) {
      problems.add(
          field + ": '" + UsageJson.truncate(node.textValue()) + "' is not an ISO-8601 instant");
    } else if (at.isAfter(context.newestAccepted())) {
      problems.add(
          field + ": " + at + " is in the future (after " + context.newestAccepted() + ")");
    } else if (at.isBefore(context.oldestAccepted())) {
      problems.add(
          field
              + ": "
              + at
              + " is older than the dedup horizon ("
              + context.oldestAccepted()
              + ")");
    }
    return node.textValue();
  }

  private static List<String> sorted(Set<String> values) {
    List<String> list = values.stream().sorted().toList();
    return list.size() <= 20 ? list : list.subList(0, 20);
  }
}
