package dev.hourmeter.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** JSON plumbing shared by the AWS API and the control API. */
final class AwsJson {

  static final String CONTENT_TYPE = "application/x-amz-json-1.1";

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  /**
   * CloudTrail's documented timestamp form inside requestParameters, e.g. "Apr 19, 2018 4:32:50
   * PM".
   */
  static final DateTimeFormatter CLOUDTRAIL_PARAMETER_TIME =
      DateTimeFormatter.ofPattern("MMM d, yyyy h:mm:ss a", Locale.US).withZone(ZoneOffset.UTC);

  /** CloudTrail's eventTime form, e.g. "2018-04-19T16:32:51Z". */
  static final DateTimeFormatter CLOUDTRAIL_EVENT_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** ISO-8601 with milliseconds, for the control API's wall-clock times. */
  static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private AwsJson() {}

  static JsonNode parse(byte[] body) throws IOException {
    return MAPPER.readTree(body);
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String string(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ObjectNode error(String type, String message) {
    ObjectNode node = object();
    node.put("__type", type);
    node.put("message", message);
    return node;
  }

  /** Epoch seconds with millisecond fraction, as AWS JSON 1.1 serializes timestamps. */
  static JsonNode epochSeconds(Instant instant) {
    return new DecimalNode(BigDecimal.valueOf(instant.toEpochMilli(), 3));
  }

  /**
   * Parses an AWS JSON timestamp: epoch seconds (number, possibly fractional), or defensively an
   * ISO-8601 string or a numeric string.
   *
   * @throws IllegalArgumentException when the node is not a timestamp
   */
  static Instant timestamp(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw new IllegalArgumentException("missing timestamp");
    }
    if (node.isNumber()) {
      return fromEpochSeconds(node.decimalValue());
    }
    if (node.isTextual()) {
      String text = node.textValue().trim();
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException ignored) {
        // fall through
      }
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException ignored) {
        // fall through
      }
      try {
        return fromEpochSeconds(new BigDecimal(text));
      } catch (NumberFormatException ignored) {
        // fall through
      }
    }
    throw new IllegalArgumentException("not a timestamp: " + node);
  }

  private static Instant fromEpochSeconds(BigDecimal seconds) {
    BigDecimal millis = seconds.movePointRight(3);
    try {
      return Instant.ofEpochMilli(
          millis.setScale(0, java.math.RoundingMode.FLOOR).longValueExact());
    } catch (ArithmeticException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("timestamp out of range: " + seconds, e);
    }
  }
}
