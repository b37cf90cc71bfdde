package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static dev.hourmeter.it.TestCustomers.workflowId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.usage.UsageSources;
import dev.hourmeter.activities.usage.jdbc.JdbcUsageSource;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.model.api.MeteringCounters;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pulled usage from a real PostgreSQL table (issue 20, part 2), through the real workflow and
 * activities on the time-skipping server and the simulator's ledger: hourly sums billed exactly, a
 * row inserted after its period was collected billed once as LATE, and rows the update would refuse
 * never billed but counted.
 */
class PulledPostgresUsageTest {

  private static final String PRODUCT = "prod-hourmeter";

  private final PostgresServer server = PostgresServer.shared();
  private final String database = server.createDatabase();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger ids = new AtomicInteger();
  private UsageSource source;
  private MeteringTestEnvironment env;

  @AfterEach
  void tearDown() throws Exception {
    if (env != null) {
      env.close();
    }
    if (source instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  private TestCustomers start(String table) {
    source =
        UsageSources.fromConfig(
            "--usage-source",
            server.url(database) + "?user=postgres#table=" + table + "&password-env=PW",
            registry,
            Map.of("PW", PostgresServer.PASSWORD)::get);
    env = new MeteringTestEnvironment(source);
    return new TestCustomers(env, PRODUCT);
  }

  private void insert(String table, String customer, String dimension, String quantity, Instant t) {
    server.execute(
        database,
        "INSERT INTO "
            + table
            + " (id, product_code, customer, dimension, quantity, event_time) VALUES ('r-"
            + ids.incrementAndGet()
            + "', '"
            + PRODUCT
            + "', '"
            + customer
            + "', "
            + (dimension == null ? "NULL" : "'" + dimension + "'")
            + ", "
            + quantity
            + ", '"
            + t
            + "')");
  }

  @Test
  void hourlySumsAreBilledExactlyAndALateRowOnceAsLate() throws IOException {
    server.execute(database, PostgresUsageSourceTest.documentedSchema());
    TestCustomers customers = start("usage_events");
    String customer = "cust-pg";
    MeteringSubscription subscription = customers.subscribed(customer, "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    insert("usage_events", customer, "requests", "3", at(0, 30));
    insert("usage_events", customer, "requests", "4", at(0, 59));
    insert("usage_events", customer, "requests", "100", at(1, 0)); // the next hour (from is <=)
    insert("usage_events", "cust-other", "requests", "50", at(0, 30));
    env.sleepUntil(at(1, 10)); // 00:00 closed at 01:05

    insert("usage_events", customer, "requests", "6", at(0, 40)); // late: 00:00 was collected
    insert("usage_events", customer, "requests", "2", at(1, 20));
    env.sleepUntil(at(2, 10));
    env.sleepUntil(at(3, 10)); // 02:00: nothing

    List<LedgerEntry> ledger = env.ledger(PRODUCT, customer);
    assertThat(ledger)
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .containsExactlyInAnyOrder(
            tuple(hour(0), 7L), tuple(hour(1), 100L + 2 + 6), tuple(hour(2), 0L));
    MeteringStatus status = workflow.status();
    assertThat(status.carried())
        .containsExactly(
            new CarriedUsage(
                "requests", BigDecimal.valueOf(6), hour(0), hour(1), CarriedUsage.LATE));
    assertThat(status.counters().quantityAccepted()).isEqualByComparingTo("115");

    try {
      WorkflowReplayer.replayWorkflowExecution(
          env.client.fetchHistory(workflowId(subscription)), CustomerMeteringWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError("history does not replay", e);
    }
  }

  @Test
  void rowsTheUpdateWouldRefuseAreNeverBilledAndCounted() {
    // A seller's table without the documented constraints: anything can be in it.
    server.execute(
        database,
        "CREATE TABLE raw_usage (id text, product_code text, customer text, license_arn text,"
            + " dimension text, quantity numeric, event_time timestamptz, tags jsonb)");
    TestCustomers customers = start("raw_usage");
    String customer = "cust-pg-hostile";
    MeteringSubscription subscription = customers.subscribed(customer, "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    insert("raw_usage", customer, "requests", "3", at(0, 30));
    insert("raw_usage", customer, "requests", "1e30", at(0, 31)); // over the per-entry limit
    insert("raw_usage", customer, "requests", "2147483648", at(0, 31)); // just over it
    insert("raw_usage", customer, "bogus", "7", at(0, 32)); // not a metered dimension
    insert("raw_usage", customer, "requests", "-5", at(0, 33)); // negative
    insert("raw_usage", customer, "requests", "NULL", at(0, 34)); // no quantity
    insert("raw_usage", customer, null, "8", at(0, 35)); // no dimension
    insert("raw_usage", customer, "requests", "1.1234567", at(0, 36)); // 7 decimal places
    insert("raw_usage", customer, "requests", "'NaN'", at(0, 37));
    server.execute(
        database,
        "INSERT INTO raw_usage VALUES ('r-tags', '"
            + PRODUCT
            + "', '"
            + customer
            + "', NULL, 'requests', 9, '"
            + at(0, 38)
            + "', '{\"team\": 5}')",
        "INSERT INTO raw_usage VALUES ('r-nulltime', '"
            + PRODUCT
            + "', '"
            + customer
            + "', NULL, 'requests', 10, NULL, NULL)");
    env.sleepUntil(at(1, 10));
    insert("raw_usage", customer, "requests", "2", at(1, 30));
    env.sleepUntil(at(2, 10));

    assertThat(env.ledger(PRODUCT, customer))
        .extracting(LedgerEntry::dimension, LedgerEntry::timestamp, LedgerEntry::quantity)
        .as("only the valid rows are billed; nothing refused is carried and billed later")
        .containsExactlyInAnyOrder(tuple("requests", hour(0), 3L), tuple("requests", hour(1), 2L));
    MeteringStatus status = workflow.status();
    assertThat(status.carried()).isEmpty();
    assertThat(status.counters().pulledEntriesNotBilled())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(MeteringCounters.OVER_LIMIT, 2L, MeteringCounters.UNKNOWN_DIMENSION, 1L));
    assertThat(status.counters().quantityAccepted()).isEqualByComparingTo("5");
    assertThat(rows("malformed"))
        .as("negative, NULL quantity, NULL dimension, 7 decimals, NaN, bad tags")
        .isEqualTo(6);
    assertThat(rows("over_limit")).isEqualTo(2);
  }

  private long rows(String outcome) {
    return (long)
        registry.get(JdbcUsageSource.ROWS_METRIC).tag("outcome", outcome).counter().count();
  }
}
