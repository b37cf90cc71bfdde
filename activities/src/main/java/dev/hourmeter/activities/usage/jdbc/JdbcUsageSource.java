package dev.hourmeter.activities.usage.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hourmeter.activities.usage.DimensionTotal;
import dev.hourmeter.activities.usage.TimeRange;
import dev.hourmeter.activities.usage.UsageObservation;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.Quantities;
import dev.hourmeter.workflows.model.api.UsageTags;
import dev.hourmeter.workflows.state.UsageReportValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage from a PostgreSQL table or query ({@link JdbcSourceSpec}). Each call sums the rows of one
 * customer per range in SQL ({@code GROUP BY dimension, tags}, values as bind parameters), all
 * ranges in one read-only REPEATABLE READ transaction (one snapshot), over a bounded pool of
 * connections (HikariCP) with a query timeout. Thread-safe.
 *
 * <p>The rows a pushed entry would be refused for are never billed: a quantity above the per-entry
 * limit ({@link UsageReportValidator#entryLimitProblem}, the same rule as the file source and the
 * update) is counted in the dimension's {@link DimensionTotal#overLimit()} (the workflow's status
 * counts it); a row with a NULL, negative, NaN or infinite quantity, more than 6 decimal places, a
 * NULL dimension or tags outside AWS's rules is malformed: WARN (naming a row id when the table has
 * one) and counted. Rows of a dimension the customer is not metered on are left out by the collect,
 * counted. Counter {@value #ROWS_METRIC}, tag {@code outcome} = {@code
 * accepted|over_limit|malformed}, counts the rows of the period being closed (the first range of a
 * call; the look-back ranges read again are not counted twice).
 *
 * <p>A database that cannot be reached, or a query that fails or times out, throws: the collect
 * fails retryably and the period stays in the workflow's backlog until a close can read it. A range
 * is never answered with nothing because the database was down. The source never forgets: no range
 * is answered null.
 */
public final class JdbcUsageSource implements UsageSource, AutoCloseable {

  public static final String ROWS_METRIC = "hourmeter.usage.jdbc.rows";
  public static final String FAILURES_METRIC = "hourmeter.usage.jdbc.failures";

  private static final Logger log = LoggerFactory.getLogger(JdbcUsageSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JdbcSourceSpec spec;
  private final long maxEntryQuantity;
  private final HikariDataSource pool;
  private final String licensedSql;
  private final String unlicensedSql;
  private final Counter accepted;
  private final Counter overLimit;
  private final Counter malformed;
  private final Counter failures;

  public JdbcUsageSource(JdbcSourceSpec spec) {
    this(spec, new SimpleMeterRegistry(), MeteringTuning.DEFAULT_MAX_ENTRY_QUANTITY);
  }

  /**
   * Builds the pool without connecting: a database that is down at startup delays the first close,
   * it does not stop the worker.
   */
  public JdbcUsageSource(JdbcSourceSpec spec, MeterRegistry registry, long maxEntryQuantity) {
    this.spec = Objects.requireNonNull(spec, "spec");
    if (maxEntryQuantity < 1) {
      throw new IllegalArgumentException(
          "maxEntryQuantity must be at least 1, got " + maxEntryQuantity);
    }
    this.maxEntryQuantity = maxEntryQuantity;
    this.licensedSql = UsageSql.sum(spec, true);
    this.unlicensedSql = UsageSql.sum(spec, false);
    this.accepted = rows(registry, "accepted");
    this.overLimit = rows(registry, "over_limit");
    this.malformed = rows(registry, "malformed");
    this.failures =
        Counter.builder(FAILURES_METRIC)
            .description("Reads of the usage database that failed (the collect is retried)")
            .register(registry);
    this.pool = new HikariDataSource(hikari(spec));
  }

  private static HikariConfig hikari(JdbcSourceSpec spec) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("hourmeter-usage");
    config.setJdbcUrl(spec.url());
    if (spec.password() != null) {
      config.setPassword(spec.password());
    }
    config.setMaximumPoolSize(spec.pool());
    config.setMinimumIdle(Math.min(1, spec.pool()));
    config.setConnectionTimeout(spec.connectTimeout().toMillis());
    config.setValidationTimeout(Math.min(spec.connectTimeout().toMillis(), 5_000));
    config.setInitializationFailTimeout(-1); // never connect in the constructor
    config.setReadOnly(true);
    config.setAutoCommit(false);
    config.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
    // Times without a zone in the seller's table are UTC.
    config.setConnectionInitSql("SET TIME ZONE 'UTC'");
    long connectSeconds = Math.max(1, spec.connectTimeout().toSeconds());
    config.addDataSourceProperty("connectTimeout", Long.toString(connectSeconds));
    config.addDataSourceProperty("loginTimeout", Long.toString(connectSeconds));
    // A read that hangs on a dead network ends too (the query timeout needs a live server).
    config.addDataSourceProperty(
        "socketTimeout", Long.toString(spec.queryTimeout().toSeconds() + connectSeconds + 10));
    config.addDataSourceProperty("ApplicationName", "hourmeter");
    return config;
  }

  private static Counter rows(MeterRegistry registry, String outcome) {
    return Counter.builder(ROWS_METRIC)
        .description("Rows of the usage database summed for a closing period, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  public JdbcSourceSpec spec() {
    return spec;
  }

  @Override
  public String describe() {
    return spec.describe();
  }

  /** One observation per dimension: its valid rows in the range summed, stamped {@code from}. */
  @Override
  public List<UsageObservation> usageBetween(
      String productCode, CustomerId customer, Instant fromInclusive, Instant toExclusive) {
    List<UsageObservation> found = new ArrayList<>();
    Map<String, DimensionTotal> sums =
        totals(productCode, customer, List.of(new TimeRange(fromInclusive, toExclusive))).get(0);
    sums.forEach(
        (dimension, total) -> {
          if (total.entries() > 0) {
            found.add(
                new UsageObservation(
                    productCode,
                    customer.value(),
                    dimension,
                    total.quantity(),
                    fromInclusive,
                    customer.hasLicense() ? customer.licenseArn() : null));
          }
        });
    return found;
  }

  @Override
  public List<Map<String, DimensionTotal>> totals(
      String productCode, CustomerId customer, List<TimeRange> ranges) {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customer, "customer");
    if (ranges.isEmpty()) {
      return List.of();
    }
    boolean licensed = customer.hasLicense();
    if (licensed && spec.columns().license() == null) {
      // The rows name no license: none of them is usage of a license.
      List<Map<String, DimensionTotal>> none = new ArrayList<>();
      ranges.forEach(r -> none.add(new TreeMap<>()));
      return none;
    }
    try (Connection connection = pool.getConnection()) {
      try (PreparedStatement statement =
          connection.prepareStatement(licensed ? licensedSql : unlicensedSql)) {
        statement.setQueryTimeout((int) Math.max(1, spec.queryTimeout().toSeconds()));
        List<Map<String, DimensionTotal>> result = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
          TimeRange range = ranges.get(i);
          int p = 1;
          statement.setBigDecimal(p++, BigDecimal.valueOf(maxEntryQuantity));
          statement.setString(p++, productCode);
          statement.setString(p++, customer.value());
          if (licensed) {
            statement.setString(p++, customer.licenseArn());
          }
          statement.setObject(p++, OffsetDateTime.ofInstant(range.from(), ZoneOffset.UTC));
          statement.setObject(p, OffsetDateTime.ofInstant(range.to(), ZoneOffset.UTC));
          try (ResultSet rows = statement.executeQuery()) {
            result.add(read(rows, productCode, customer, range, i == 0));
          }
        }
        return result;
      } finally {
        connection.rollback(); // read-only: nothing to keep; ends the snapshot
      }
    } catch (SQLException e) {
      failures.increment();
      throw new UsageDatabaseException(
          "reading usage of product="
              + productCode
              + " customer="
              + customer.value()
              + " from "
              + spec.describe()
              + " failed: "
              + e.getMessage(),
          e);
    }
  }

  private Map<String, DimensionTotal> read(
      ResultSet rows, String productCode, CustomerId customer, TimeRange range, boolean count)
      throws SQLException {
    Map<String, DimensionTotal> sums = new TreeMap<>();
    while (rows.next()) {
      String dimension = rows.getString("dimension");
      String tagsText = rows.getString("tags");
      int entries = rows.getInt("entries");
      BigDecimal quantity = rows.getBigDecimal("quantity");
      int over = rows.getInt("over_limit");
      BigDecimal largest = rows.getBigDecimal("largest");
      int bad = rows.getInt("malformed");
      String example = rows.getString("example_id");
      String problem = dimension == null ? "dimension is NULL" : null;
      Map<String, String> tags = Map.of();
      if (problem == null) {
        try {
          tags = tags(tagsText);
        } catch (IllegalArgumentException e) {
          problem = e.getMessage();
        }
      }
      if (problem != null) {
        bad += entries + over;
        entries = 0;
        over = 0;
      }
      if (bad > 0 && count) {
        malformed.increment(bad);
        log.warn(
            "usage product={} customer={} [{}, {}): {} rows of dimension {} not billed: {}{}",
            productCode,
            customer.value(),
            range.from(),
            range.to(),
            bad,
            dimension,
            problem != null
                ? problem
                : "quantity NULL, negative, NaN, infinite or with more than "
                    + Quantities.MAX_DECIMAL_PLACES
                    + " decimal places",
            example == null ? "" : " (e.g. row id " + example + ")");
      }
      if (problem != null) {
        continue;
      }
      DimensionTotal total = null;
      if (entries > 0) {
        BigDecimal q = Quantities.canonical(quantity);
        total = new DimensionTotal(q, entries, tags.isEmpty() ? Map.of() : Map.of(tags, q));
        if (count) {
          accepted.increment(entries);
        }
      }
      if (over > 0) {
        DimensionTotal refused = new DimensionTotal(BigDecimal.ZERO, 0, Map.of(), over);
        total = total == null ? refused : total.plus(refused);
        if (count) {
          overLimit.increment(over);
          log.warn(
              "usage product={} customer={} [{}, {}): {} rows of {} not billed: {}{}",
              productCode,
              customer.value(),
              range.from(),
              range.to(),
              over,
              dimension,
              UsageReportValidator.entryLimitProblem(largest, maxEntryQuantity, "quantity"),
              example == null ? "" : " (e.g. row id " + example + ")");
        }
      }
      if (total != null) {
        sums.merge(dimension, total, DimensionTotal::plus);
      }
    }
    return sums;
  }

  /** The tags of a group (JSON text; null, {@code null} or {} untagged), checked by AWS's rules. */
  static Map<String, String> tags(String text) {
    if (text == null) {
      return Map.of();
    }
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("tags are not JSON");
    }
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("tags must be a JSON object of tag names to strings");
    }
    Map<String, String> tags = new TreeMap<>();
    for (Map.Entry<String, JsonNode> tag : node.properties()) {
      if (!tag.getValue().isTextual()) {
        throw new IllegalArgumentException("tags." + tag.getKey() + " must be a string");
      }
      tags.put(tag.getKey(), tag.getValue().textValue());
    }
    List<String> problems = UsageTags.problems(tags, "tags");
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return UsageTags.canonical(tags);
  }

  /** Connections open now (for tests and figures). */
  public int openConnections() {
    return pool.getHikariPoolMXBean() == null
        ? 0
        : pool.getHikariPoolMXBean().getTotalConnections();
  }

  @Override
  public void close() {
    pool.close();
  }

  /** The usage database could not be read: the collect fails and is retried. */
  public static final class UsageDatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageDatabaseException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
