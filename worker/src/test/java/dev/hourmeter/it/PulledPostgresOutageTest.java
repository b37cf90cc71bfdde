package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static dev.hourmeter.it.TestCustomers.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.usage.UsageSources;
import dev.hourmeter.activities.usage.jdbc.JdbcUsageSource;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.checkpoint.BacklogPeriod;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL usage database stopped for a whole period (issue 20, part 2): the close that cannot
 * read it bills nothing for that period (never zero), keeps it in the backlog, and the first close
 * after the database is back bills it with its rows, once. A server of its own (stopped and started
 * on the same port).
 *
 * <p>Soak: about a minute, most of it the workflow's collect retrying in real time (1, 2, 4, 8, 16
 * s: local-activity backoff that time skipping cannot skip) before its backoff becomes a timer.
 */
@Tag("soak")
class PulledPostgresOutageTest {

  private static final String PRODUCT = "prod-hourmeter";
  private static final String CUSTOMER = "cust-pg-outage";

  private final PostgresServer server = PostgresServer.start(PostgresServer.freePort());
  private final AtomicInteger ids = new AtomicInteger();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private UsageSource source;
  private MeteringTestEnvironment env;

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (env != null) {
        env.close();
      }
      if (source instanceof AutoCloseable closeable) {
        closeable.close();
      }
    } finally {
      server.close();
    }
  }

  private void insert(String database, String quantity, Instant t) {
    server.execute(
        database,
        "INSERT INTO usage_events (id, product_code, customer, dimension, quantity, event_time)"
            + " VALUES ('r-"
            + ids.incrementAndGet()
            + "', '"
            + PRODUCT
            + "', '"
            + CUSTOMER
            + "', 'requests', "
            + quantity
            + ", '"
            + t
            + "')");
  }

  @Test
  void aPeriodWhoseRowsCouldNotBeReadIsBilledWithThemOnceTheDatabaseIsBack() throws IOException {
    String database = server.createDatabase();
    server.execute(database, PostgresUsageSourceTest.documentedSchema());
    source =
        UsageSources.fromConfig(
            "--usage-source",
            server.url(database) + "?user=postgres#password-env=PW&connect-timeout=PT0.5S",
            registry,
            Map.of("PW", PostgresServer.PASSWORD)::get);
    env = new MeteringTestEnvironment(source);
    MeteringSubscription subscription =
        new TestCustomers(env, PRODUCT).subscribed(CUSTOMER, "requests");
    CustomerMeteringWorkflow workflow = env.start(subscription);

    insert(database, "3", at(0, 30));
    env.sleepUntil(at(1, 10)); // 00:00 billed 3
    insert(database, "4.5", at(1, 30));
    insert(database, "0.5", at(1, 40));

    Counter failures = registry.get(JdbcUsageSource.FAILURES_METRIC).counter();
    server.stop(); // down across the 02:05 close of 01:00
    long downAt = System.nanoTime();
    env.sleepUntil(at(2, 50));
    MeteringStatus during = workflow.status();
    assertThat(env.ledger(PRODUCT, CUSTOMER))
        .as("nothing billed for 01:00 while its rows cannot be read")
        .extracting(LedgerEntry::timestamp)
        .containsExactly(hour(0));
    assertThat(during.backlog()).contains(new BacklogPeriod(hour(1), false));
    assertThat(failures.count()).as("reads that failed, each retried").isPositive();

    server.start();
    long downSeconds = (System.nanoTime() - downAt) / 1_000_000_000L;
    insert(database, "2", at(2, 55));
    env.sleepUntil(at(3, 10)); // the 03:05 close collects 01:00 and 02:00

    assertThat(env.ledger(PRODUCT, CUSTOMER))
        .extracting(LedgerEntry::timestamp, LedgerEntry::quantity)
        .as(
            "01:00 billed with its rows once the database is back (down %d s real time)",
            downSeconds)
        .containsExactlyInAnyOrder(tuple(hour(0), 3L), tuple(hour(1), 5L), tuple(hour(2), 2L));
    MeteringStatus after = workflow.status();
    assertThat(after.backlog()).isEmpty();
    assertThat(after.carried()).isEmpty();
  }
}
