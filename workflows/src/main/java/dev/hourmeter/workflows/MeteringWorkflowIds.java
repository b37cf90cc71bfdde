package dev.hourmeter.workflows;

import dev.hourmeter.workflows.model.api.CustomerId;
import java.util.Optional;
import java.util.regex.Pattern;

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
 * back the values: the mapping is injective.
 *
 * <p>A licensed customer (Concurrent Agreements: one AWS account may hold several licenses of one
 * product, each metered by its own workflow) has a third segment, its LicenseArn escaped the same
 * way: {@code metering/<productCode>/<accountId>/<licenseArn>}, for example {@code
 * metering/prod-1/123456789012/arn:aws:license-manager::123456789012:license%2Fl-0abc}. The whole
 * ARN, not only its {@code l-...} id: the id alone is not injective across partitions and accounts,
 * and the ARN is what AWS bills by. Unlicensed ids keep their two segments. A three-segment id
 * reads as licensed only when its customer is 12 digits and its third segment an ARN (AWS's
 * LicenseArn pattern), so ids from before escaping with a {@code /} stay unparsed (ambiguous) as
 * before. A License Manager ARN is about 85 characters, so a typical licensed id is about 130;
 * {@code start} refuses an id over Temporal's {@link #MAX_LENGTH} ({@link #lengthProblem}) and an
 * ARN over {@link CustomerId#MAX_LICENSE_ARN_LENGTH} characters.
 */
public final class MeteringWorkflowIds {

  public static final String PREFIX = "metering/";

  /** Temporal's default limit on workflow ids ({@code limit.maxIDLength}). */
  public static final int MAX_LENGTH = 1000;

  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  private MeteringWorkflowIds() {}

  /** The product, customer and license (null when unlicensed) an id was built from. */
  public record Parsed(String productCode, String customer, String licenseArn) {

    public Parsed(String productCode, String customer) {
      this(productCode, customer, null);
    }
  }

  public static String forCustomer(String productCode, CustomerId customer) {
    return forCustomer(productCode, customer.value(), customer.licenseArn());
  }

  /** With a license (not null or blank) the id has a third segment, the escaped LicenseArn. */
  public static String forCustomer(String productCode, String customer, String licenseArn) {
    return licenseArn == null || licenseArn.isBlank()
        ? forCustomer(productCode, customer)
        : forCustomer(productCode, customer) + "/" + escape(licenseArn);
  }

  public static String forCustomer(String productCode, String customer) {
    return PREFIX + escape(productCode) + "/" + escape(customer);
  }

  /** Why an id cannot be used with Temporal (longer than {@link #MAX_LENGTH}); null if it can. */
  public static String lengthProblem(String workflowId) {
    return workflowId.length() <= MAX_LENGTH
        ? null
        : "the workflow id would be "
            + workflowId.length()
            + " characters, over Temporal's limit of "
            + MAX_LENGTH;
  }

  /**
   * The id without escaping, as ids were built before: only differs from {@link #forCustomer} for
   * values holding {@code %} or {@code /}.
   */
  public static String unescapedForCustomer(String productCode, String customer) {
    return PREFIX + productCode + "/" + customer;
  }

  /**
   * Product, customer and license of a metering workflow id; empty for ids that are not {@code
   * metering/<product>/<customer>} or {@code metering/<product>/<accountId>/<licenseArn>} with
   * escaped segments (an id from before escaping whose product or customer held a {@code /} is
   * ambiguous and reads as empty).
   */
  public static Optional<Parsed> parse(String workflowId) {
    if (workflowId == null || !workflowId.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] segments = workflowId.substring(PREFIX.length()).split("/", -1);
    if (segments.length < 2
        || segments.length > 3
        || segments[0].isEmpty()
        || segments[1].isEmpty()) {
      return Optional.empty();
    }
    String product = unescape(segments[0]);
    String customer = unescape(segments[1]);
    if (product == null || customer == null) {
      return Optional.empty();
    }
    if (segments.length == 2) {
      return Optional.of(new Parsed(product, customer));
    }
    String license = unescape(segments[2]);
    if (license == null
        || !ACCOUNT_ID.matcher(customer).matches()
        || !CustomerId.LICENSE_ARN.matcher(license).matches()) {
      return Optional.empty();
    }
    return Optional.of(new Parsed(product, customer, license));
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
