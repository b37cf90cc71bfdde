package dev.hourmeter.activities.usage.jdbc;

/**
 * The one statement a {@link JdbcUsageSource} runs: a customer's rows in a time range summed per
 * (dimension, tags), split into valid rows, rows above the per-entry limit and malformed rows.
 * Built from validated, quoted identifiers (or the configured query as a subquery); every value is
 * a bind parameter: the limit, product, customer, [license], from, to.
 */
final class UsageSql {

  private UsageSql() {}

  static String sum(JdbcSourceSpec spec, boolean licensed) {
    JdbcSourceSpec.Columns c = spec.columns();
    String tags = c.tags() == null ? "CAST(NULL AS jsonb)" : "CAST(" + c.tags() + " AS jsonb)";
    String id = c.id() == null ? "CAST(NULL AS text)" : "CAST(" + c.id() + " AS text)";
    String license;
    if (c.license() == null) {
      license = ""; // only unlicensed customers are asked (see JdbcUsageSource#totals)
    } else if (licensed) {
      license = " AND " + c.license() + " = ?";
    } else {
      license = " AND " + c.license() + " IS NULL";
    }
    return "SELECT dimension, CAST(tags AS text) AS tags,"
        + " count(*) FILTER (WHERE state = 0) AS entries,"
        + " sum(q) FILTER (WHERE state = 0) AS quantity,"
        + " count(*) FILTER (WHERE state = 1) AS over_limit,"
        + " max(q) FILTER (WHERE state = 1) AS largest,"
        + " count(*) FILTER (WHERE state = 2) AS malformed,"
        + " min(id) FILTER (WHERE state <> 0) AS example_id"
        + " FROM (SELECT d AS dimension, t AS tags, q, id,"
        // 2: malformed (NaN and infinities first: they compare as greater than any number)
        + " CASE WHEN q IS NULL OR d IS NULL OR CAST(q AS text) IN ('NaN', 'Infinity', '-Infinity')"
        + " OR q < 0 OR q <> round(q, 6) THEN 2"
        // 1: above the per-entry limit (UsageReportValidator.entryLimitProblem: q > limit)
        + " WHEN q > ? THEN 1 ELSE 0 END AS state"
        + " FROM (SELECT CAST("
        + c.dimension()
        + " AS text) AS d, "
        + tags
        + " AS t, CAST("
        + c.quantity()
        + " AS numeric) AS q, "
        + id
        + " AS id FROM "
        + spec.relation()
        + " WHERE "
        + c.product()
        + " = ? AND "
        + c.customer()
        + " = ?"
        + license
        + " AND "
        + c.time()
        + " >= ? AND "
        + c.time()
        + " < ?) AS picked) AS classified"
        + " GROUP BY dimension, tags";
  }
}
