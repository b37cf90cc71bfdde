package dev.hourmeter.activities.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.UsageTags;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one line of a JSON-lines usage file into a {@link UsageObservation}. Thread-safe.
 *
 * <pre>
 * {"productCode":"p","customer":"c","dimension":"d","quantity":5,"timestamp":"2026-11-26T10:15:00Z"}
 * </pre>
 *
 * An optional {@code licenseArn} makes the entry usage of that license of the customer only; an
 * optional {@code tags} object ({@code {"team": "a"}}, AWS's tag rules) labels it.
 */
final class UsageLineParser {

  private final ObjectMapper mapper =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  /** Whether the line (UTF-8 bytes, without its newline) is blank or a {@code #} comment. */
  static boolean ignorable(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return b == '#';
      }
    }
    return true;
  }

  UsageObservation parse(byte[] bytes, int offset, int length) throws MalformedLineException {
    JsonNode node;
    try {
      node = mapper.readTree(bytes, offset, length);
    } catch (JsonProcessingException e) {
      throw new MalformedLineException("not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new MalformedLineException("not readable JSON (" + e.getMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new MalformedLineException("not a JSON object");
    }
    String productCode = requiredText(node, "productCode");
    String customer = requiredText(node, "customer");
    String dimension = requiredText(node, "dimension");
    BigDecimal quantity = quantity(node.get("quantity"));
    String timestampText = requiredText(node, "timestamp");
    Instant timestamp;
    try {
      timestamp = Instant.parse(timestampText);
    } catch (DateTimeParseException e) {
      try {
        timestamp = OffsetDateTime.parse(timestampText).toInstant();
      } catch (DateTimeParseException e2) {
        throw new MalformedLineException(
            "'timestamp' is not an ISO-8601 instant: '" + timestampText + "'");
      }
    }
    JsonNode licenseNode = node.get("licenseArn");
    String licenseArn = null;
    if (licenseNode != null && !licenseNode.isNull()) {
      licenseArn = requiredText(node, "licenseArn");
    }
    return new UsageObservation(
        productCode, customer, dimension, quantity, timestamp, licenseArn, tags(node.get("tags")));
  }

  /** Optional tags, refused (the whole line) naming the tag when outside AWS's rules. */
  private static Map<String, String> tags(JsonNode node) throws MalformedLineException {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new MalformedLineException("'tags' must be an object of tag names to string values");
    }
    Map<String, String> tags = new TreeMap<>();
    for (Map.Entry<String, JsonNode> tag : node.properties()) {
      if (!tag.getValue().isTextual()) {
        throw new MalformedLineException("'tags." + tag.getKey() + "' must be a string");
      }
      tags.put(tag.getKey(), tag.getValue().textValue());
    }
    List<String> problems = UsageTags.problems(tags, "'tags'");
    if (!problems.isEmpty()) {
      throw new MalformedLineException(String.join("; ", problems));
    }
    return tags;
  }

  /** An exact quantity: a JSON number >= 0 with at most 6 decimal places (never rounded). */
  private static BigDecimal quantity(JsonNode node) throws MalformedLineException {
    if (node == null || !node.isNumber()) {
      throw new MalformedLineException(
          "'quantity' must be a number (whole or with at most 6 decimals)");
    }
    BigDecimal quantity = Quantities.canonical(node.decimalValue());
    if (quantity.signum() < 0) {
      throw new MalformedLineException(
          "'quantity' must not be negative, got " + quantity.toPlainString());
    }
    if (quantity.scale() > Quantities.MAX_DECIMAL_PLACES) {
      throw new MalformedLineException(
          "'quantity' has more than "
              + Quantities.MAX_DECIMAL_PLACES
              + " decimal places: "
              + quantity.toPlainString());
    }
    return quantity;
  }

  private static String requiredText(JsonNode node, String field) throws MalformedLineException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new MalformedLineException("'" + field + "' must be a non-empty string");
    }
    return value.asText().strip();
  }

  /** Why a line is not a usage entry. */
  static final class MalformedLineException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedLineException(String message) {
      super(message, null, false, false);
    }
  }
}
