package dev.hourmeter.workflows.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.UsageEntry;
import dev.hourmeter.workflows.model.api.UsageReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The JSON side of pushed usage: a strict reader (numbers as exact decimals, duplicate keys and
 * trailing data refused; unknown fields are kept for the validator to ignore), the shortening of
 * echoed values, and the fingerprints the dedup memory keeps. Deterministic, no Temporal calls.
 */
public final class UsageJson {

  /** Echoed values are cut to this many characters (plus "..."). */
  public static final int ECHO_CHARS = 64;

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** The tree read from the bytes, or the problem naming why it cannot be read. */
  public record Parsed(JsonNode json, String problem) {}

  private UsageJson() {}

  public static Parsed parse(byte[] utf8) {
    try {
      return new Parsed(STRICT.readTree(utf8), null);
    } catch (JsonProcessingException e) {
      return new Parsed(
          null, "payload: is not valid JSON (" + truncate(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      return new Parsed(null, "payload: cannot be read (" + truncate(e.getMessage()) + ")");
    }
  }

  static JsonNode toTree(UsageReport report) {
    return STRICT.valueToTree(report);
  }

  /** A JSON value's type for a message, with a short echo of scalars. */
  public static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "string '" + truncate(node.textValue()) + "'";
      case NUMBER -> "number " + truncate(node.asText());
      case BOOLEAN -> "boolean " + node.asText();
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** At most {@link #ECHO_CHARS} characters of a value, marked when cut. */
  public static String truncate(String value) {
    if (value == null || value.length() <= ECHO_CHARS) {
      return value;
    }
    return value.substring(0, ECHO_CHARS) + "...(" + value.length() + " chars)";
  }

  /**
   * The id as the dedup memory keeps it: as sent up to {@link #ECHO_CHARS} characters, a SHA-256
   * fingerprint above, so that a long id cannot blow up the checkpoint.
   */
  public static String storedId(String id) {
    return id.length() <= ECHO_CHARS ? id : "sha256:" + sha256(id).substring(0, 40);
  }

  /** Fingerprint of a report's usage (dimension, quantity, timestamp, tags of every entry). */
  public static String contentHash(UsageReport report) {
    StringBuilder canonical = new StringBuilder();
    for (UsageEntry entry : report.usage()) {
      canonical
          .append(entry.dimension())
          .append('\u0000')
          .append(Quantities.text(entry.quantity()))
          .append('\u0000')
          .append(
              entry.timestamp() == null
                  ? "-"
                  : String.valueOf(UsageReportValidator.parseTimestamp(entry.timestamp())));
      // Tags only when present, so an untagged report keeps the fingerprint it always had.
      entry
          .tags()
          .forEach((k, v) -> canonical.append('\u0000').append(k).append('\u0001').append(v));
      canonical.append('\n');
    }
    return sha256(canonical.toString()).substring(0, 16);
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
