package dev.hourmeter.activities.usage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.activities.usage.UsageSource;
import dev.hourmeter.activities.usage.UsageSources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PostgreSQL source's spec: what is accepted, what is refused at start-up, and redaction. */
class JdbcSourceSpecTest {

  private static final String OPTION = "--usage-source (HOURMETER_USAGE_SOURCE)";
  private static final String URL = "jdbc:postgresql://db.internal:5432/billing?user=hourmeter";

  private static JdbcSourceSpec parse(String spec, Map<String, String> env) {
    return JdbcSourceSpec.parse(OPTION, spec, env::get);
  }

  private static JdbcSourceSpec parse(String spec) {
    return parse(spec, Map.of());
  }

  private static void refused(String spec, String... fragments) {
    assertThatThrownBy(
            () ->
                UsageSources.fromConfig(
                    OPTION, spec, new SimpleMeterRegistry(), Map.<String, String>of()::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(OPTION)
        .hasMessageContainingAll(fragments)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void defaultsAreTheDocumentedSchema() {
    JdbcSourceSpec spec = parse(URL);
    assertThat(spec.url()).isEqualTo(URL);
    assertThat(spec.relation()).isEqualTo("\"usage_events\"");
    assertThat(spec.columns())
        .isEqualTo(
            new JdbcSourceSpec.Columns(
                "\"product_code\"",
                "\"customer\"",
                "\"license_arn\"",
                "\"dimension\"",
                "\"quantity\"",
                "\"event_time\"",
                "\"tags\"",
                "\"id\""));
    assertThat(spec.pool()).isEqualTo(JdbcSourceSpec.DEFAULT_POOL);
    assertThat(spec.password()).isNull();
  }

  @Test
  void aTableAColumnMappingAndTheLimitsAreTaken() {
    JdbcSourceSpec spec =
        parse(
            URL
                + "#table=billing.events&customer=acct&license=none&tags=none&time=at"
                + "&pool=8&query-timeout=PT5S&connect-timeout=PT2S");
    assertThat(spec.relation()).isEqualTo("\"billing\".\"events\"");
    assertThat(spec.columns().customer()).isEqualTo("\"acct\"");
    assertThat(spec.columns().license()).isNull();
    assertThat(spec.columns().tags()).isNull();
    assertThat(spec.columns().time()).isEqualTo("\"at\"");
    assertThat(spec.pool()).isEqualTo(8);
    assertThat(spec.queryTimeout()).hasSeconds(5);
    assertThat(spec.connectTimeout()).hasSeconds(2);
    assertThat(UsageSql.sum(spec, false))
        .contains("FROM \"billing\".\"events\" WHERE \"product_code\" = ? AND \"acct\" = ?")
        .doesNotContain("license");
  }

  @Test
  void aQueryIsUsedAsASubquery() {
    JdbcSourceSpec spec = parse(URL + "#query=SELECT+*+FROM+v_usage%3B");
    assertThat(spec.relation()).isEqualTo("(SELECT * FROM v_usage) AS usage_rows");
    assertThat(UsageSql.sum(spec, true))
        .contains("FROM (SELECT * FROM v_usage) AS usage_rows WHERE")
        .contains("\"license_arn\" = ?");
  }

  @Test
  void thePasswordIsTakenOutOfTheUrlAndNeverShown() {
    JdbcSourceSpec spec = parse(URL + "&password=hunter2&sslmode=require#table=t");
    assertThat(spec.password()).isEqualTo("hunter2");
    assertThat(spec.url()).isEqualTo(URL + "&sslmode=require");
    assertThat(spec.describe()).doesNotContain("hunter2").contains("password in the URL");
    assertThat(spec.toString()).doesNotContain("hunter2");
    assertThat(UsageSources.redact(URL + "&password=hunter2#table=t"))
        .isEqualTo(URL + "&password=***#table=t");

    UsageSource source =
        UsageSources.fromConfig(OPTION, URL + "&password=hunter2", new SimpleMeterRegistry());
    try {
      assertThat(source.describe()).doesNotContain("hunter2");
    } finally {
      ((JdbcUsageSource) source).close();
    }
  }

  @Test
  void thePasswordFromAnEnvironmentVariable() {
    JdbcSourceSpec spec =
        parse(URL + "#password-env=USAGE_DB_PW", Map.of("USAGE_DB_PW", "hunter2"));
    assertThat(spec.password()).isEqualTo("hunter2");
    assertThat(spec.describe()).contains("password from $USAGE_DB_PW").doesNotContain("hunter2");
  }

  @Test
  void badUrlsAreRefusedNamingTheFlag() {
    refused("jdbc:mysql://db/billing", "only PostgreSQL");
    refused("jdbc:postgresql:billing", "not a PostgreSQL JDBC URL");
    refused("jdbc:postgresql://", "not a PostgreSQL JDBC URL");
    refused("jdbc:postgresql://db:notaport/billing?password=hunter2", "not a PostgreSQL JDBC URL");
  }

  @Test
  void badIdentifiersAndOptionsAreRefusedNamingTheFlagAndTheOption() {
    refused(URL + "#table=usage;drop", "table=", "'usage;drop'");
    refused(URL + "#table=a.b.c", "table must be name or schema.name");
    refused(URL + "#table=%22usage%22", "table=");
    refused(URL + "#customer=acct%20--", "customer=");
    refused(URL + "#quantity=none", "quantity= is required");
    refused(URL + "#table=t&query=SELECT+1", "not several");
    refused(URL + "#query=SELECT+1%3B+DROP+TABLE+x", "one SELECT statement");
    refused(URL + "#colour=blue", "unknown option", "colour");
    refused(URL + "#pool=0", "pool=");
    refused(URL + "#pool=65", "pool=");
    refused(URL + "#query-timeout=5", "query-timeout=");
    refused(URL + "#password-env=NOT_SET_ANYWHERE", "NOT_SET_ANYWHERE", "not set");
    refused(URL + "&password=hunter2#password-env=X", "not both");
    refused(URL + "#query-file=/no/such/file.sql", "query-file=");
    refused(URL + "#table", "name=value");
  }
}
