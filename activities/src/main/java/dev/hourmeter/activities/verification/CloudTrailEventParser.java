package dev.hourmeter.activities.verification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.activities.aws.TrailEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the receipts out of a BatchMeterUsage CloudTrail event, defensively: lower-camel field
 * names ({@code requestParameters.productCode}, {@code responseElements.results[].usageRecord},
 * {@code meteringRecordId}, {@code status}); a licensed record's {@code licenseArn} (from its
 * echoed usage record, else from the request's {@code usageRecords[]}) and {@code
 * quantityAsDecimal}; usage timestamps in the documented non-ISO form {@code "Apr 19, 2018 4:32:50
 * PM"} (UTC, Locale.US), ISO-8601, or epoch numbers (seconds, or milliseconds when large); missing
 * fields give nulls; events of other names give nothing; {@code unprocessedRecords} are never
 * receipts; malformed JSON is skipped with one WARN. Never throws on event content. Thread-safe.
 */
public final class CloudTrailEventParser {

  public static final String BATCH_METER_USAGE = "BatchMeterUsage";

  private static final Logger log = LoggerFactory.getLogger(CloudTrailEventParser.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** "Apr 19, 2018 4:32:50 PM"; also accepts a 2-digit day/hour and lower-case am/pm. */
  private static final DateTimeFormatter DOCUMENTED =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .appendPattern("MMM d, uuuu h:mm:ss a")
          .toFormatter(Locale.US)
          .withZone(ZoneOffset.UTC);

  /** Epoch values above this are milliseconds (1e11 seconds is the year 5138). */
  private static final long MILLIS_THRESHOLD = 100_000_000_000L;

  /**
   * Receipts of {@code event} (every result, whatever its status); empty for other events or bad
   * JSON.
   */
  public List<TrailReceipt> parse(TrailEvent event) {
    if (event == null) {
      return List.of();
    }
    if (event.eventName() != null && !BATCH_METER_USAGE.equals(event.eventName())) {
      return List.of();
    }
    String json = event.cloudTrailEvent();
    if (json == null || json.isBlank()) {
      log.warn("CloudTrail event {} has no CloudTrailEvent JSON; skipped", event.eventId());
      return List.of();
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      log.warn(
          "CloudTrail event {} has malformed JSON; skipped: {}",
          event.eventId(),
          e.getOriginalMessage());
      return List.of();
    }
    try {
      return parse(root, event);
    } catch (RuntimeException e) {
      log.warn("CloudTrail event {} could not be read; skipped: {}", event.eventId(), e.toString());
      return List.of();
    }
  }

  private List<TrailReceipt> parse(JsonNode root, TrailEvent event) {
    if (root == null || !root.isObject()) {
      log.warn("CloudTrail event {} is not a JSON object; skipped", event.eventId());
      return List.of();
    }
    String name = text(root, "eventName");
    if (name != null && !BATCH_METER_USAGE.equals(name)) {
      return List.of();
    }
    if (name == null && event.eventName() == null) {
      return List.of();
    }
    String eventId = firstNonNull(text(root, "eventID"), text(root, "eventId"), event.eventId());
    Instant eventTime =
        event.eventTime() != null ? event.eventTime() : instant(root.get("eventTime"));
    JsonNode request = root.path("requestParameters");
    String productCode = text(request, "productCode");
    JsonNode results = root.path("responseElements").path("results");
    if (!results.isArray()) {
      return List.of();
    }
    List<TrailReceipt> receipts = new ArrayList<>();
    for (JsonNode result : results) {
      if (result == null || !result.isObject()) {
        continue;
      }
      JsonNode usage = result.path("usageRecord");
      String customer = customer(usage);
      String dimension = text(usage, "dimension");
      Instant timestamp = instant(usage.get("timestamp"));
      String license = text(usage, "licenseArn");
      if (license == null) {
        license = requestedLicense(request.path("usageRecords"), customer, dimension, timestamp);
      }
      receipts.add(
          new TrailReceipt(
              eventId,
              eventTime,
              productCode,
              customer,
              dimension,
              timestamp,
              integer(usage.get("quantity")),
              text(result, "meteringRecordId"),
              text(result, "status"),
              license,
              decimal(usage.get("quantityAsDecimal"))));
    }
    return receipts;
  }

  private static String customer(JsonNode usage) {
    return firstNonNull(
        text(usage, "customerAWSAccountId"),
        text(usage, "customerAwsAccountId"),
        text(usage, "customerIdentifier"));
  }

  /**
   * The {@code licenseArn} of the request's usage record for this customer, dimension and hour,
   * when the result's echo lacks it and exactly one license was sent for them; else null.
   */
  private static String requestedLicense(
      JsonNode requested, String customer, String dimension, Instant timestamp) {
    if (!requested.isArray() || customer == null || dimension == null || timestamp == null) {
      return null;
    }
    String found = null;
    for (JsonNode r : requested) {
      String license = text(r, "licenseArn");
      if (license == null
          || !customer.equals(customer(r))
          || !dimension.equals(text(r, "dimension"))
          || !timestamp.equals(instant(r.get("timestamp")))) {
        continue;
      }
      if (found != null && !found.equals(license)) {
        return null; // two licenses for one key: the echo must say which
      }
      found = license;
    }
    return found;
  }

  private static BigDecimal decimal(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    try {
      return node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Parses the documented "Apr 19, 2018 4:32:50 PM", ISO-8601 (with or without offset), or epoch
   * numbers.
   */
  public static Instant instant(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isNumber()) {
      return epoch(node.decimalValue());
    }
    if (!node.isTextual()) {
      return null;
    }
    return instant(node.textValue());
  }

  public static Instant instant(String raw) {
    if (raw == null) {
      return null;
    }
    String text = raw.replace('\u202f', ' ').replace('\u00a0', ' ').trim();
    if (text.isEmpty()) {
      return null;
    }
    try {
      return Instant.from(DOCUMENTED.parse(text));
    } catch (DateTimeParseException ignored) {
      // next format
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException ignored) {
      // next format
    }
    try {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      // next format
    }
    try {
      return epoch(new BigDecimal(text));
    } catch (NumberFormatException | ArithmeticException ignored) {
      return null;
    }
  }

  private static Instant epoch(BigDecimal value) {
    try {
      BigDecimal millis =
          value.abs().compareTo(BigDecimal.valueOf(MILLIS_THRESHOLD)) >= 0
              ? value
              : value.movePointRight(3);
      return Instant.ofEpochMilli(
          millis.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    } catch (ArithmeticException | java.time.DateTimeException e) {
      return null;
    }
  }

  private static Integer integer(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToInt()) {
      return node.intValue();
    }
    if (node.isTextual()) {
      try {
        return Integer.valueOf(node.textValue().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (node.isNumber()) {
      BigDecimal d = node.decimalValue();
      try {
        return d.stripTrailingZeros().intValueExact();
      } catch (ArithmeticException e) {
        return null;
      }
    }
    return null;
  }

  private static String text(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    String text = value.asText();
    return text == null || text.isBlank() ? null : text;
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
