package dev.hourmeter.client;

import io.temporal.common.SearchAttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Temporal visibility query (List Filter, for {@code WorkflowClient.listExecutions}): equality
 * terms joined by {@code AND}, such as {@code WorkflowType = 'CustomerMetering' AND MeteringProduct
 * = 'prod-a'}. The one place hourmeter builds one.
 *
 * <p>Every value is a quoted string literal with its backslashes and single quotes escaped by a
 * backslash ({@code a'b} becomes {@code 'a\'b'}), so that no value, however hostile, ends its
 * literal early and adds terms of its own. (A value holding a backslash is safe but matches nothing
 * on the Temporal CLI's SQLite dev server; product codes, license ARNs and agreement ids hold
 * none.) Attribute names are code, not input: they must be identifiers. Immutable.
 */
public final class VisibilityQuery {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** The terms in order, each {@code Name = 'value'}. */
  private final List<String> terms;

  private VisibilityQuery(List<String> terms) {
    this.terms = List.copyOf(terms);
  }

  /**
   * {@code attribute = 'value'}: a built-in attribute ({@code WorkflowType}, ...) or a custom one.
   */
  public static VisibilityQuery where(String attribute, String value) {
    return new VisibilityQuery(List.of(term(attribute, value)));
  }

  /** {@code Name = 'value'} for a custom Keyword search attribute. */
  public static VisibilityQuery where(SearchAttributeKey<String> attribute, String value) {
    return where(attribute.getName(), value);
  }

  /** {@code WorkflowType = 'type'}. */
  public static VisibilityQuery workflowType(String type) {
    return where("WorkflowType", type);
  }

  /** This query AND {@code attribute = 'value'}. */
  public VisibilityQuery and(String attribute, String value) {
    List<String> more = new ArrayList<>(terms);
    more.add(term(attribute, value));
    return new VisibilityQuery(more);
  }

  /** This query AND {@code Name = 'value'} for a custom Keyword search attribute. */
  public VisibilityQuery and(SearchAttributeKey<String> attribute, String value) {
    return and(attribute.getName(), value);
  }

  /** This query AND {@code Name = 'value'} when {@code value} is not null; else this query. */
  public VisibilityQuery andIfGiven(SearchAttributeKey<String> attribute, String value) {
    return value == null ? this : and(attribute, value);
  }

  /** This query AND {@code ExecutionStatus = 'Running'}. */
  public VisibilityQuery running() {
    return executionStatus("Running");
  }

  /**
   * This query AND {@code ExecutionStatus = 'status'}: Temporal's own status of the execution
   * ({@code Running}, {@code Completed}, {@code Failed}, {@code Canceled}, {@code Terminated},
   * {@code ContinuedAsNew}, {@code TimedOut}), which a custom search attribute cannot contradict: a
   * workflow closed from outside (terminated, timed out) keeps the attributes it last upserted.
   */
  public VisibilityQuery executionStatus(String status) {
    return and("ExecutionStatus", status);
  }

  /** {@code value} as a quoted string literal of the query language. */
  static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String term(String attribute, String value) {
    if (attribute == null || !NAME.matcher(attribute).matches()) {
      throw new IllegalArgumentException("not a search attribute name: " + attribute);
    }
    if (value == null) {
      throw new IllegalArgumentException(attribute + ": the value must not be null");
    }
    return attribute + " = " + literal(value);
  }

  /** The query text, as the server takes it. */
  @Override
  public String toString() {
    return String.join(" AND ", terms);
  }
}
