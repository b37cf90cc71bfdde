package dev.hourmeter.worker.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.client.usage.UsageEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the body of {@code POST /v1/usage}: a JSON batch ({@code application/json}: {@code
 * {"events": [...]}} or a bare array) or CloudEvents in structured mode ({@code
 * application/cloudevents-batch+json}: an array; {@code application/cloudevents+json}: one event).
 * A body that is not such a batch is refused as a whole ({@link BadBatch}); an event with a missing
 * or mistyped field is refused alone, naming the field ({@code events[3].quantity: ...}), and the
 * others go on. Nothing is coerced: a quantity must be a JSON number, read exactly. Unknown fields
 * are tolerated. Range, scale, dimension, timestamp and tag rules are the workflow's validator's.
 *
 * <p>CloudEvents (OpenMeter's shape): {@code id} is the event id, {@code time} its timestamp,
 * {@code data} holds {@code product}, {@code quantity} and optionally {@code customer} (default the
 * event's {@code subject}), {@code dimension} (default its {@code type}), {@code licenseArn} and
 * {@code tags}; {@code specversion} must be {@code 1.0}.
 */
public final class IngestParser {

  /** The most events in one request. */
  public static final int MAX_EVENTS = 1000;

  public static final String JSON = "application/json";
  public static final String CLOUDEVENTS_BATCH = "application/cloudevents-batch+json";
  public static final String CLOUDEVENT = "application/cloudevents+json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** A body refused as a whole (400), with the reason. */
  public static final class BadBatch extends Exception {
    public BadBatch(String message) {
      super(message, null, false, false);
    }
  }

  /** One event of the batch: read ({@code event}), or refused ({@code problem}). */
  public record Item(String id, UsageEvent event, String problem) {}

  private IngestParser() {}

  /** The media type without parameters, lower case; JSON when absent. */
  public static String mediaType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return JSON;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip()
        .toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether {@link #parse} reads this media type. */
  public static boolean supports(String mediaType) {
    return JSON.equals(mediaType)
        || CLOUDEVENTS_BATCH.equals(mediaType)
        || CLOUDEVENT.equals(mediaType);
  }

  public static List<Item> parse(byte[] body, String mediaType) throws BadBatch {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadBatch("body: is not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new BadBatch("body: cannot be read (" + e.getMessage() + ")");
    }
    if (root == null || root.isMissingNode()) {
      throw new BadBatch("body: is empty");
    }
    boolean cloudEvents = !JSON.equals(mediaType);
    JsonNode events = root;
    String field = "events";
    if (CLOUDEVENT.equals(mediaType)) {
      events = MAPPER.createArrayNode().add(root);
    } else if (!cloudEvents && root.isObject()) {
      events = root.get("events");
      if (events == null) {
        throw new BadBatch("events: is required (an array of usage events)");
      }
    }
    if (!events.isArray()) {
      throw new BadBatch(
          (root == events && !cloudEvents ? "body" : field)
              + ": must be an array of events, got "
              + kind(events));
    }
    if (events.isEmpty()) {
      throw new BadBatch(field + ": must hold at least one event");
    }
    if (events.size() > MAX_EVENTS) {
      throw new BadBatch(
          field
              + ": at most "
              + MAX_EVENTS
              + " events per request, got "
              + events.size()
              + " (split them into several requests)");
    }
    List<Item> items = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      JsonNode event = events.get(i);
      String at = field + "[" + i + "]";
      items.add(cloudEvents ? cloudEvent(event, at) : plainEvent(event, at));
    }
    return items;
  }

  private static Item plainEvent(JsonNode event, String at) {
    if (!event.isObject()) {
      return new Item(null, null, at + ": must be an object, got " + kind(event));
    }
    List<String> problems = new ArrayList<>();
    String id = text(event, "id", at, true, problems);
    String product = text(event, "product", at, true, problems);
    String customer = text(event, "customer", at, true, problems);
    String license = text(event, "licenseArn", at, false, problems);
    String dimension = text(event, "dimension", at, true, problems);
    BigDecimal quantity = quantity(event, at, problems);
    String timestamp = text(event, "timestamp", at, false, problems);
    Map<String, String> tags = tags(event, at, problems);
    return item(id, product, customer, license, dimension, quantity, timestamp, tags, problems);
  }

  private static Item cloudEvent(JsonNode event, String at) {
    if (!event.isObject()) {
      return new Item(null, null, at + ": must be a CloudEvent object, got " + kind(event));
    }
    List<String> problems = new ArrayList<>();
    String id = text(event, "id", at, true, problems);
    String version = text(event, "specversion", at, true, problems);
    if (version != null && !"1.0".equals(version)) {
      problems.add(at + ".specversion: must be 1.0, got '" + shorten(version) + "'");
    }
    String subject = text(event, "subject", at, false, problems);
    String type = text(event, "type", at, false, problems);
    String time = text(event, "time", at, false, problems);
    JsonNode data = event.get("data");
    String dataAt = at + ".data";
    if (data == null || !data.isObject()) {
      problems.add(
          dataAt
              + ": must be an object holding product and quantity, got "
              + (data == null ? "nothing" : kind(data)));
      return new Item(id, null, problems.get(0));
    }
    String product = text(data, "product", dataAt, true, problems);
    String customer = text(data, "customer", dataAt, false, problems);
    if (customer == null) {
      customer = subject;
    }
    String dimension = text(data, "dimension", dataAt, false, problems);
    if (dimension == null) {
      dimension = type;
    }
    if (customer == null && problems.isEmpty()) {
      problems.add(dataAt + ".customer: is required (or the event's subject)");
    }
    if (dimension == null && problems.isEmpty()) {
      problems.add(dataAt + ".dimension: is required (or the event's type)");
    }
    String license = text(data, "licenseArn", dataAt, false, problems);
    BigDecimal quantity = quantity(data, dataAt, problems);
    Map<String, String> tags = tags(data, dataAt, problems);
    return item(id, product, customer, license, dimension, quantity, time, tags, problems);
  }

  private static Item item(
      String id,
      String product,
      String customer,
      String license,
      String dimension,
      BigDecimal quantity,
      String timestamp,
      Map<String, String> tags,
      List<String> problems) {
    if (!problems.isEmpty()) {
      return new Item(
          id, null, String.join("; ", problems.subList(0, Math.min(3, problems.size()))));
    }
    return new Item(
        id,
        new UsageEvent(id, product, customer, license, dimension, quantity, timestamp, tags),
        null);
  }

  private static String text(
      JsonNode object, String name, String at, boolean required, List<String> problems) {
    JsonNode node = object.get(name);
    if (node == null || node.isNull()) {
      if (required) {
        problems.add(at + "." + name + ": is required");
      }
      return null;
    }
    if (!node.isTextual()) {
      problems.add(at + "." + name + ": must be a string, got " + kind(node));
      return null;
    }
    if (required && node.textValue().isBlank()) {
      problems.add(at + "." + name + ": must not be blank");
      return null;
    }
    return node.textValue();
  }

  private static BigDecimal quantity(JsonNode object, String at, List<String> problems) {
    JsonNode node = object.get("quantity");
    if (node == null || node.isNull()) {
      problems.add(at + ".quantity: is required");
      return null;
    }
    if (!node.isNumber()) {
      problems.add(at + ".quantity: must be a number, got " + kind(node));
      return null;
    }
    return node.decimalValue();
  }

  private static Map<String, String> tags(JsonNode object, String at, List<String> problems) {
    JsonNode node = object.get("tags");
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      problems.add(at + ".tags: must be an object of strings, got " + kind(node));
      return Map.of();
    }
    Map<String, String> tags = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (e.getValue().isTextual()) {
        tags.put(e.getKey(), e.getValue().textValue());
      } else {
        problems.add(
            at + ".tags." + shorten(e.getKey()) + ": must be a string, got " + kind(e.getValue()));
      }
    }
    return tags;
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String shorten(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
