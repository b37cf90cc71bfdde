package dev.hourmeter.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * CloudTrail LookupEvents over the recorded BatchMeterUsage events: only events older than the
 * delivery delay (simulator clock) are visible, newest first, at most one lookup attribute, 90 days
 * of history. NextToken is a cursor (stable when new events arrive) bound to the attribute and time
 * range.
 */
final class LookupEventsOperation implements OperationHandler {

  static final int MAX_RESULTS = 50;
  static final Duration HISTORY = Duration.ofDays(90);

  private static final Comparator<CloudTrailStore.StoredEvent> NEWEST_FIRST =
      Comparator.comparing(CloudTrailStore.StoredEvent::eventTime)
          .thenComparingLong(CloudTrailStore.StoredEvent::sequence)
          .reversed();

  private static final Map<String, Function<CloudTrailStore.StoredEvent, String>> ATTRIBUTES =
      Map.of(
          "EventId", CloudTrailStore.StoredEvent::eventId,
          "EventName", CloudTrailStore.StoredEvent::eventName,
          "EventSource", CloudTrailStore.StoredEvent::eventSource,
          "ReadOnly", e -> "false",
          "Username", CloudTrailStore.StoredEvent::username,
          "AccessKeyId", CloudTrailStore.StoredEvent::accessKeyId,
          "ResourceType", e -> null,
          "ResourceName", e -> null);

  private record Attribute(String key, String value) {}

  private final SimulatorState state;

  LookupEventsOperation(SimulatorState state) {
    this.state = state;
  }

  @Override
  public ObjectNode handle(JsonNode request, CallContext context) {
    if (request == null || !request.isObject()) {
      throw invalidParameter("request body must be a JSON object");
    }
    Attribute attribute = attribute(request.get("LookupAttributes"));
    Instant start = time(request, "StartTime");
    Instant end = time(request, "EndTime");
    if (start != null && end != null && start.isAfter(end)) {
      throw ApiException.badRequest(
          "InvalidTimeRangeException", "StartTime must be before EndTime.");
    }
    int maxResults = maxResults(request.get("MaxResults"));
    boolean insights = eventCategory(request.get("EventCategory"));
    String fingerprint = PageToken.fingerprint(attribute, start, end, insights);
    Cursor after = cursor(request.get("NextToken"), fingerprint);

    Instant now = state.clock.now();
    Duration delay = state.config.cloudTrailDelay();
    List<CloudTrailStore.StoredEvent> matching =
        insights
            ? List.of()
            : state.cloudTrail.all().stream()
                .filter(e -> !e.eventTime().plus(delay).isAfter(now))
                .filter(e -> !e.eventTime().isBefore(now.minus(HISTORY)))
                .filter(e -> start == null || !e.eventTime().isBefore(start))
                .filter(e -> end == null || !e.eventTime().isAfter(end))
                .filter(
                    e ->
                        attribute == null
                            || attribute.value().equals(ATTRIBUTES.get(attribute.key()).apply(e)))
                .sorted(NEWEST_FIRST)
                .filter(e -> after == null || after.isBefore(e))
                .toList();

    ObjectNode body = AwsJson.object();
    ArrayNode events = body.putArray("Events");
    List<CloudTrailStore.StoredEvent> page =
        matching.subList(0, Math.min(maxResults, matching.size()));
    page.forEach(e -> events.add(render(e)));
    if (matching.size() > page.size()) {
      CloudTrailStore.StoredEvent last = page.getLast();
      body.put(
          "NextToken",
          PageToken.encode(fingerprint, last.eventTime().toEpochMilli() + ":" + last.sequence()));
    }
    return body;
  }

  /** Position of the last event returned; the next page holds the events after it (older). */
  private record Cursor(long eventTimeMillis, long sequence) {
    boolean isBefore(CloudTrailStore.StoredEvent e) {
      long t = e.eventTime().toEpochMilli();
      return t < eventTimeMillis || (t == eventTimeMillis && e.sequence() < sequence);
    }
  }

  private static ObjectNode render(CloudTrailStore.StoredEvent e) {
    ObjectNode node = AwsJson.object();
    node.put("EventId", e.eventId());
    node.put("EventName", e.eventName());
    node.put("ReadOnly", "false");
    node.put("AccessKeyId", e.accessKeyId());
    node.set("EventTime", AwsJson.epochSeconds(e.eventTime()));
    node.put("EventSource", e.eventSource());
    node.put("Username", e.username());
    node.putArray("Resources");
    node.put("CloudTrailEvent", e.cloudTrailEvent());
    return node;
  }

  private static Attribute attribute(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw invalidAttributes("LookupAttributes must be a list.");
    }
    if (node.isEmpty()) {
      return null;
    }
    if (node.size() > 1) {
      throw invalidAttributes(
          "You cannot specify more than one lookup attribute (got " + node.size() + ").");
    }
    JsonNode item = node.get(0);
    JsonNode key = item.get("AttributeKey");
    JsonNode value = item.get("AttributeValue");
    if (key == null || !key.isTextual() || !ATTRIBUTES.containsKey(key.textValue())) {
      throw invalidAttributes(
          "AttributeKey must be one of "
              + new java.util.TreeSet<>(ATTRIBUTES.keySet())
              + ": "
              + key);
    }
    if (value == null
        || !value.isTextual()
        || value.textValue().isEmpty()
        || value.textValue().length() > 2000) {
      throw invalidAttributes("AttributeValue must be a string of 1 to 2000 characters.");
    }
    return new Attribute(key.textValue(), value.textValue());
  }

  private static Instant time(JsonNode request, String field) {
    JsonNode node = request.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return AwsJson.timestamp(node);
    } catch (IllegalArgumentException e) {
      throw invalidParameter(field + " is not a valid timestamp: " + node);
    }
  }

  private static int maxResults(JsonNode node) {
    if (node == null || node.isNull()) {
      return MAX_RESULTS;
    }
    if (!node.isIntegralNumber() || node.longValue() < 1 || node.longValue() > MAX_RESULTS) {
      throw ApiException.badRequest(
          "InvalidMaxResultsException",
          "MaxResults must be between 1 and " + MAX_RESULTS + ": " + node);
    }
    return node.intValue();
  }

  private static boolean eventCategory(JsonNode node) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (node.isTextual() && "insight".equals(node.textValue())) {
      return true;
    }
    throw ApiException.badRequest(
        "InvalidEventCategoryException", "EventCategory must be 'insight': " + node);
  }

  private static Cursor cursor(JsonNode node, String fingerprint) {
    if (node == null || node.isNull()) {
      return null;
    }
    String position =
        node.isTextual() ? PageToken.decode(node.textValue(), fingerprint).orElse(null) : null;
    if (position != null) {
      String[] parts = position.split(":");
      try {
        if (parts.length == 2) {
          return new Cursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        }
      } catch (NumberFormatException ignored) {
        // fall through
      }
    }
    throw ApiException.badRequest(
        "InvalidNextTokenException",
        "NextToken is invalid or was issued for different lookup parameters.");
  }

  private static ApiException invalidAttributes(String message) {
    return ApiException.badRequest("InvalidLookupAttributesException", message);
  }

  private static ApiException invalidParameter(String message) {
    return ApiException.badRequest(ApiOperation.LOOKUP_EVENTS.validationErrorType(), message);
  }
}
