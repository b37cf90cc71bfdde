package dev.hourmeter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.activities.usage.DimensionTotal;
import dev.hourmeter.activities.usage.TimeRange;
import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.usage.UsageSources;
import dev.hourmeter.activities.usage.jdbc.JdbcUsageSource;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JdbcUsageSource} against a real PostgreSQL ({@link PostgresServer}), on the schema
 * docs/postgresql-source.md publishes (read from the doc, so the doc's SQL is what is tested).
 */
class PostgresUsageSourceTest {

  private static final Logger log = LoggerFactory.getLogger(PostgresUsageSourceTest.class);
  private static final String PRODUCT = "prod-pg";
  private static final Instant H0 = Instant.parse("2026-11-26T00:00:00Z");
  private static final Instant H1 = H0.plusSeconds(3600);
  private static final Instant H2 = H1.plusSeconds(3600);
  private static final String LICENSE =
      "arn:aws:license-manager::111122223333:license/l-0123456789abcdef0123456789abcdef";

  private final PostgresServer server = PostgresServer.shared();
  private final String database = server.createDatabase();
  private final List<AutoCloseable> sources = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  @BeforeEach
  void schema() throws IOException {
    server.execute(database, documentedSchema());
  }

  @AfterEach
  void closeSources() throws Exception {
    for (AutoCloseable c : sources) {
      c.close();
    }
  }

  /** The CREATE statements of the doc's sql block. */
  static String[] documentedSchema() throws IOException {
    String doc =
        Files.readString(Path.of("..", "docs", "postgresql-source.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("```sql\\n(CREATE TABLE .*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(m.find()).as("docs/postgresql-source.md has the schema").isTrue();
    return m.group(1).split(";\\n");
  }

  private JdbcUsageSource source(String options, Map<String, String> env) {
    UsageSource s =
        UsageSources.fromConfig(
            "--usage-source",
            server.url(database) + "?user=" + PostgresServer.USER + "#" + options,
            new SimpleMeterRegistry(),
            env::get);
    sources.add((AutoCloseable) s);
    return (JdbcUsageSource) s;
  }

  private JdbcUsageSource source() {
    return source("password-env=PGPW", Map.of("PGPW", PostgresServer.PASSWORD));
  }

  private void insert(
      String customer, String license, String dimension, String quantity, Instant at, String tags) {
    server.execute(
        database,
        "INSERT INTO usage_events (id, product_code, customer, license_arn, dimension, quantity,"
            + " event_time, tags) VALUES ('e-"
            + ids.incrementAndGet()
            + "', '"
            + PRODUCT
            + "', '"
            + customer
            + "', "
            + (license == null ? "NULL" : "'" + license + "'")
            + ", '"
            + dimension
            + "', "
            + quantity
            + ", '"
            + at
            + "', "
            + (tags == null ? "NULL" : "'" + tags + "'")
            + ")");
  }

  @Test
  void sumsEachRangeExactlyPerDimensionAndTagsAndKeepsLicensesApart() {
    CustomerId unlicensed = CustomerId.parse("cust-a");
    CustomerId licensed = CustomerId.parse("111122223333", LICENSE);
    insert("cust-a", null, "requests", "0.25", H0.plusSeconds(10), null);
    insert("cust-a", null, "requests", "17.42", H0.plusSeconds(3599), "{\"team\": \"a\"}");
    insert("cust-a", null, "requests", "3", H1, null); // the next range: from is inclusive
    insert("cust-a", null, "gb", "1.000001", H1.plusSeconds(5), null);
    insert("cust-b", null, "requests", "100", H0.plusSeconds(10), null);
    insert("111122223333", LICENSE, "requests", "7", H0.plusSeconds(20), null);
    insert("111122223333", null, "requests", "9", H0.plusSeconds(20), null);

    JdbcUsageSource source = source();
    List<Map<String, DimensionTotal>> totals =
        source.totals(PRODUCT, unlicensed, List.of(new TimeRange(H0, H1), new TimeRange(H1, H2)));

    DimensionTotal first = totals.get(0).get("requests");
    assertThat(first.quantity()).isEqualByComparingTo("17.67");
    assertThat(first.entries()).isEqualTo(2);
    assertThat(first.tagged()).containsEntry(Map.of("team", "a"), new BigDecimal("17.42"));
    assertThat(totals.get(0)).containsOnlyKeys("requests");
    assertThat(totals.get(1).get("requests").quantity()).isEqualByComparingTo("3");
    assertThat(totals.get(1).get("gb").quantity()).isEqualByComparingTo("1.000001");

    assertThat(source.totals(PRODUCT, licensed, List.of(new TimeRange(H0, H1))).get(0))
        .extractingByKey("requests")
        .extracting(DimensionTotal::quantity)
        .isEqualTo(new BigDecimal("7"));
    assertThat(
            source
                .totals(PRODUCT, CustomerId.parse("111122223333"), List.of(new TimeRange(H0, H1)))
                .get(0)
                .get("requests")
                .quantity())
        .isEqualByComparingTo("9");
    assertThat(source.describe())
        .contains("table=usage_events")
        .contains("password from $PGPW")
        .doesNotContain(PostgresServer.PASSWORD);
  }

  @Test
  void aQueryAndAColumnMappingReadASellersOwnTable() {
    server.execute(
        database,
        "CREATE TABLE events (acct text, sku text, amount bigint, at timestamp, kind text)",
        "INSERT INTO events VALUES ('cust-q', 'prod-pg', 4, '2026-11-26 00:30:00', 'requests'),"
            + " ('cust-q', 'prod-pg', 6, '2026-11-26 00:40:00', 'requests'),"
            + " ('cust-q', 'other', 50, '2026-11-26 00:40:00', 'requests')");
    CustomerId customer = CustomerId.parse("cust-q");
    JdbcUsageSource mapped =
        source(
            "table=events&product=sku&customer=acct&quantity=amount&time=at&dimension=kind"
                + "&license=none&tags=none&id=none&password-env=PGPW",
            Map.of("PGPW", PostgresServer.PASSWORD));
    assertThat(mapped.totals(PRODUCT, customer, List.of(new TimeRange(H0, H1))).get(0))
        .extractingByKey("requests")
        .extracting(DimensionTotal::quantity)
        .isEqualTo(new BigDecimal("10"));

    String query =
        java.net.URLEncoder.encode(
            "SELECT sku AS product_code, acct AS customer, NULL::text AS license_arn,"
                + " kind AS dimension, amount * 2 AS quantity, at AS event_time,"
                + " NULL::jsonb AS tags, NULL::text AS id FROM events",
            StandardCharsets.UTF_8);
    JdbcUsageSource queried =
        source("query=" + query + "&password-env=PGPW", Map.of("PGPW", PostgresServer.PASSWORD));
    assertThat(queried.totals(PRODUCT, customer, List.of(new TimeRange(H0, H1))).get(0))
        .extractingByKey("requests")
        .extracting(DimensionTotal::quantity)
        .isEqualTo(new BigDecimal("20"));
  }

  @Test
  void aWrongPasswordOrAMissingTableFailsTheReadNamingTheSourceButNotThePassword() {
    JdbcUsageSource wrong =
        source("connect-timeout=PT1S&password-env=PGPW", Map.of("PGPW", "not-the-password"));
    CustomerId customer = CustomerId.parse("cust-a");
    assertThatThrownBy(() -> wrong.totals(PRODUCT, customer, List.of(new TimeRange(H0, H1))))
        .isInstanceOf(JdbcUsageSource.UsageDatabaseException.class)
        .hasMessageContaining(server.url(database))
        .hasMessageNotContaining("not-the-password");

    JdbcUsageSource missing =
        source("table=no_such_table&password-env=PGPW", Map.of("PGPW", PostgresServer.PASSWORD));
    assertThatThrownBy(() -> missing.totals(PRODUCT, customer, List.of(new TimeRange(H0, H1))))
        .isInstanceOf(JdbcUsageSource.UsageDatabaseException.class)
        .hasMessageContaining("no_such_table");
  }

  @Test
  void manyConcurrentClosesShareAtMostThePoolsConnections() throws Exception {
    for (int i = 0; i < 20; i++) {
      insert("cust-" + i, null, "requests", "1", H0.plusSeconds(i), null);
    }
    JdbcUsageSource source =
        source("pool=2&password-env=PGPW", Map.of("PGPW", PostgresServer.PASSWORD));
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try {
      List<Future<BigDecimal>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        CustomerId customer = CustomerId.parse("cust-" + (i % 20));
        results.add(
            threads.submit(
                () ->
                    source
                        .totals(PRODUCT, customer, List.of(new TimeRange(H0, H1)))
                        .get(0)
                        .get("requests")
                        .quantity()));
      }
      for (Future<BigDecimal> f : results) {
        assertThat(f.get()).isEqualByComparingTo("1");
      }
      assertThat(source.openConnections()).isBetween(1, 2);
    } finally {
      threads.shutdownNow();
    }
    int connections;
    try (var c = server.connect(database);
        var s = c.createStatement();
        var r =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hourmeter'"
                    + " AND datname = current_database()")) {
      r.next();
      connections = r.getInt(1);
    }
    assertThat(connections).as("connections the server sees from the source").isBetween(1, 2);
  }

  /** A figure, not a limit: rows summed per second by one close of a busy customer. */
  @Test
  void sumsAHundredThousandRowsOfOneCustomerInOneRead() {
    server.execute(
        database,
        "INSERT INTO usage_events (id, product_code, customer, dimension, quantity, event_time)"
            + " SELECT 'bulk-' || g, '"
            + PRODUCT
            + "', 'cust-bulk', 'requests', 0.5, timestamptz '"
            + H0
            + "' + (g % 3600) * interval '1 second' FROM generate_series(1, 100000) g",
        "ANALYZE usage_events");
    JdbcUsageSource source = source();
    CustomerId customer = CustomerId.parse("cust-bulk");
    source.totals(PRODUCT, customer, List.of(new TimeRange(H1, H2))); // connect, warm
    long start = System.nanoTime();
    DimensionTotal total =
        source.totals(PRODUCT, customer, List.of(new TimeRange(H0, H1))).get(0).get("requests");
    long nanos = System.nanoTime() - start;
    assertThat(total.quantity()).isEqualByComparingTo("50000");
    assertThat(total.entries()).isEqualTo(100_000);
    log.info(
        "summed 100000 rows in {} ms ({} rows/s)",
        nanos / 1_000_000,
        100_000L * 1_000_000_000L / Math.max(1, nanos));
  }
}
