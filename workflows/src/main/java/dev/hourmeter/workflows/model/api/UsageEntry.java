package dev.hourmeter.workflows.model.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.Map;

/**
 * One usage observation inside a {@link UsageReport}. {@code quantity} is exact, whole or with at
 * most 6 decimals (a whole quantity is written to JSON as the integer it always was). {@code
 * timestamp} is an ISO-8601 instant; when absent the workflow uses the time the report arrived. It
 * is kept as text so that a malformed value can be reported back as a rejection instead of failing
 * deserialization. {@code tags} (optional, added for usage allocations: absent in older payloads,
 * and not written when empty) label the usage for the buyer's bill ({@link UsageTags}).
 */
public record UsageEntry(
    String dimension,
    BigDecimal quantity,
    String timestamp,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> tags) {

  public UsageEntry {
    quantity = Quantities.canonical(quantity);
    tags = UsageTags.canonical(tags);
  }

  public UsageEntry(String dimension, BigDecimal quantity, String timestamp) {
    this(dimension, quantity, timestamp, Map.of());
  }

  public UsageEntry(String dimension, long quantity, String timestamp) {
    this(dimension, BigDecimal.valueOf(quantity), timestamp);
  }

  public static UsageEntry now(String dimension, long quantity) {
    return new UsageEntry(dimension, quantity, null);
  }

  public static UsageEntry now(String dimension, BigDecimal quantity) {
    return new UsageEntry(dimension, quantity, null);
  }
}
