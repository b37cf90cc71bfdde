package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.CustomerId;
import java.util.Optional;

/**
 * Workflow ids: one workflow per product and customer, {@code metering/<productCode>/<customer>}.
 *
 * <p>Each segment is escaped so that two customers can never share an id: {@code %} becomes {@code
 * %25} and {@code /} becomes {@code %2F}, nothing else changes. AWS product codes may contain
 * {@code /} and legacy customer identifiers anything, so product {@code a/b} with customer {@code
 * x4} is {@code metering/a%2Fb/x4}, and product {@code a} with customer {@code b/x4} is {@code
 * metering/a/b%2Fx4}. Ids of products and customers without {@code %} or {@code /} are exactly what
 * they were before escaping existed (running customers keep their ids). An escaped segment holds no
 * {@code /}, so the segments of an id are found by splitting at {@code /}, and unescaping gives
 * back the values: the mapping is injective. A future segment (the license) follows the same rule.
 */
public final class MeteringWorkflowIds {

  public static final String PREFIX = "metering/";

  private MeteringWorkflowIds() {}

  /** The product and customer an id was built from. */
  public record Parsed(String productCode, String customer) {}

  public static String forCustomer(String productCode, CustomerId customer) {
    return forCustomer(productCode, customer.value());
  }

  public static String forCustomer(String productCode, String customer) {
    return PREFIX + escape(productCode) + "/" + escape(customer);
  }

  /**
   * The id without escaping, as ids were built before: only differs from {@link #forCustomer} for
   * values holding {@code %} or {@code /}.
   */
  public static String unescapedForCustomer(String productCode, String customer) {
    return PREFIX + productCode + "/" + customer;
  }

  /**
   * Product and customer of a metering workflow id; empty for ids that are not {@code
   * metering/<product>/<customer>} with escaped segments (an id from before escaping whose product
   * or customer held a {@code /} is ambiguous and reads as empty).
   */
  public static Optional<Parsed> parse(String workflowId) {
    if (workflowId == null || !workflowId.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] segments = workflowId.substring(PREFIX.length()).split("/", -1);
    if (segments.length != 2 || segments[0].isEmpty() || segments[1].isEmpty()) {
      return Optional.empty();
    }
    String product = unescape(segments[0]);
    String customer = unescape(segments[1]);
    return product == null || customer == null
        ? Optional.empty()
        : Optional.of(new Parsed(product, customer));
  }

  /** One id segment: {@code %} as {@code %25} and {@code /} as {@code %2F}, the rest unchanged. */
  public static String escape(String value) {
    if (value.indexOf('%') < 0 && value.indexOf('/') < 0) {
      return value;
    }
    StringBuilder b = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '%' -> b.append("%25");
        case '/' -> b.append("%2F");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** The inverse of {@link #escape}; null when the segment is not an escaped value. */
  public static String unescape(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment.indexOf('/') < 0 ? segment : null;
    }
    StringBuilder b = new StringBuilder(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '/') {
        return null;
      }
      if (c != '%') {
        b.append(c);
        continue;
      }
      if (segment.startsWith("%25", i)) {
        b.append('%');
      } else if (segment.startsWith("%2F", i)) {
        b.append('/');
      } else {
        return null;
      }
      i += 2;
    }
    return b.toString();
  }
}
