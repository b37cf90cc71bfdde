package dev.hourmeter.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.worker.settings.AwsEndpoints;
import dev.hourmeter.worker.settings.Batching;
import dev.hourmeter.worker.settings.FleetSharing;
import dev.hourmeter.worker.settings.WorkerSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The settings of {@code worker}: flags, variables, defaults. */
class WorkerSettingsTest {

  private static final Pattern VARIABLE = Pattern.compile("env ((HOURMETER|TEMPORAL|AWS)_[A-Z_]+)");

  private record Resolved(WorkerSettings settings, int metricsPort) {}

  private static Resolved worker(Map<String, String> env, String... flags) {
    List<String> args = new ArrayList<>(List.of("worker"));
    args.addAll(List.of(flags));
    CommandLine.ParseResult parsed =
        HourmeterMain.commandLine(env).parseArgs(args.toArray(String[]::new));
    WorkerCommand command = (WorkerCommand) parsed.subcommand().commandSpec().userObject();
    SettingResolver resolver = new SettingResolver(env);
    return new Resolved(
        command.process.resolve(
            resolver, command.aws.resolve(resolver), command.batching.resolve(resolver)),
        command.process.metricsPort(resolver));
  }

  private record Run(int exitCode, String err) {}

  private static Run execute(Map<String, String> env, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = HourmeterMain.commandLine(env);
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  @Test
  void defaults() {
    Resolved r = worker(Map.of());
    assertThat(r.settings().batching()).isEqualTo(Batching.defaults());
    assertThat(r.settings().batching().linger()).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.settings().batching().meteringTps()).isEqualTo(10.0);
    assertThat(r.settings().aws().region()).isEqualTo("us-east-1");
    assertThat(r.settings().aws().meteringEndpoint()).isNull();
    assertThat(r.settings().aws().cloudTrailTps()).isEqualTo(2.0);
    assertThat(r.settings().aws().simulator()).isFalse();
    assertThat(r.settings().usageSource()).isEqualTo("none");
    assertThat(r.settings().virtualThreads()).isFalse();
    assertThat(r.metricsPort()).isZero();
  }

  @Test
  void everySettingHasAVariable() {
    Map<String, String> env =
        Map.ofEntries(
            Map.entry("HOURMETER_BATCHING", "false"),
            Map.entry("HOURMETER_LINGER", "PT0.5S"),
            Map.entry("HOURMETER_METERING_TPS", "5"),
            Map.entry("HOURMETER_CLOUDTRAIL_TPS", "1"),
            Map.entry("AWS_REGION", "eu-west-1"),
            Map.entry("HOURMETER_METERING_ENDPOINT", "http://127.0.0.1:4599"),
            Map.entry("HOURMETER_ENTITLEMENT_ENDPOINT", "http://127.0.0.1:4598"),
            Map.entry("HOURMETER_CLOUDTRAIL_ENDPOINT", "https://cloudtrail.example"),
            Map.entry("HOURMETER_USAGE_SOURCE", "file:/tmp/usage.jsonl"),
            Map.entry("HOURMETER_VIRTUAL_THREADS", "true"),
            Map.entry("HOURMETER_METRICS_PORT", "9464"));
    Resolved r = worker(env);
    assertThat(r.settings().batching()).isEqualTo(new Batching(false, Duration.ofMillis(500), 5.0));
    assertThat(r.settings().aws())
        .isEqualTo(
            new AwsEndpoints(
                "eu-west-1",
                URI.create("http://127.0.0.1:4599"),
                URI.create("http://127.0.0.1:4598"),
                URI.create("https://cloudtrail.example"),
                1.0,
                false));
    assertThat(r.settings().usageSource()).isEqualTo("file:/tmp/usage.jsonl");
    assertThat(r.settings().virtualThreads()).isTrue();
    assertThat(r.metricsPort()).isEqualTo(9464);

    // Flags win over variables (the flag names users' scripts have always used).
    Resolved flags =
        worker(
            env,
            "--batching",
            "--linger",
            "PT2S",
            "--metering-tps",
            "2.5",
            "--cloudtrail-tps",
            "0.5",
            "--aws-region",
            "us-west-2",
            "--no-virtual-threads",
            "--usage-source",
            "none",
            "--metrics-port",
            "0");
    assertThat(flags.settings().batching())
        .isEqualTo(new Batching(true, Duration.ofSeconds(2), 2.5));
    assertThat(flags.settings().aws().cloudTrailTps()).isEqualTo(0.5);
    assertThat(flags.settings().aws().region()).isEqualTo("us-west-2");
    assertThat(flags.settings().virtualThreads()).isFalse();
    assertThat(flags.settings().usageSource()).isEqualTo("none");
    assertThat(flags.metricsPort()).isZero();
    assertThat(worker(env, "--no-batching").settings().batching().enabled()).isFalse();
  }

  @Test
  void badValuesExitTwoNamingTheFlag() {
    Run linger = execute(Map.of("HOURMETER_LINGER", "1s"), "worker");
    assertThat(linger.exitCode()).as(linger.err()).isEqualTo(2);
    assertThat(linger.err()).contains("HOURMETER_LINGER (--linger): '1s'").contains("ISO-8601");

    Run tps = execute(Map.of(), "worker", "--metering-tps", "fast");
    assertThat(tps.exitCode()).as(tps.err()).isEqualTo(2);
    assertThat(tps.err()).contains("--metering-tps: 'fast'");

    Run timeout = execute(Map.of(), "worker", "--connect-timeout", "2m");
    assertThat(timeout.exitCode()).as(timeout.err()).isEqualTo(2);
    assertThat(timeout.err()).contains("--connect-timeout: '2m'");

    Run endpoint = execute(Map.of("HOURMETER_METERING_ENDPOINT", "localhost"), "worker");
    assertThat(endpoint.exitCode()).as(endpoint.err()).isEqualTo(2);
    assertThat(endpoint.err()).contains("HOURMETER_METERING_ENDPOINT (--metering-endpoint)");

    Run tls = execute(Map.of("TEMPORAL_TLS", "yes"), "worker");
    assertThat(tls.exitCode()).as(tls.err()).isEqualTo(2);
    assertThat(tls.err()).contains("TEMPORAL_TLS (--tls): 'yes'");

    Run registration = execute(Map.of(), "worker", "--registration");
    assertThat(registration.exitCode()).as(registration.err()).isEqualTo(2);
    assertThat(registration.err())
        .contains(
            "--registration: needs the product catalog (--product-catalog or"
                + " HOURMETER_PRODUCT_CATALOG)");

    Run intake =
        execute(
            Map.of("HOURMETER_INTAKE_QUEUES", "http://localhost:9324/000000000000/lifecycle"),
            "worker");
    assertThat(intake.exitCode()).as(intake.err()).isEqualTo(2);
    assertThat(intake.err())
        .contains(
            "--intake-queue: needs the product catalog (--product-catalog or"
                + " HOURMETER_PRODUCT_CATALOG)");

    Run table =
        execute(
            Map.of(),
            "worker",
            "--usage-source",
            "jdbc:postgresql://db/billing?user=u&password=hunter2#table=usage;drop");
    assertThat(table.exitCode()).as(table.err()).isEqualTo(2);
    assertThat(table.err())
        .contains("--usage-source (HOURMETER_USAGE_SOURCE): table= must be an SQL identifier")
        .doesNotContain("hunter2");

    Run database =
        execute(
            Map.of("HOURMETER_USAGE_SOURCE", "jdbc:postgresql:/billing?password=hunter2"),
            "worker");
    assertThat(database.exitCode()).as(database.err()).isEqualTo(2);
    assertThat(database.err())
        .contains("--usage-source (HOURMETER_USAGE_SOURCE): not a PostgreSQL JDBC URL")
        .doesNotContain("hunter2");

    Run password =
        execute(
            Map.of(),
            "worker",
            "--usage-source",
            "jdbc:postgresql://db/billing#password-env=USAGE_DB_PASSWORD");
    assertThat(password.exitCode()).as(password.err()).isEqualTo(2);
    assertThat(password.err())
        .contains("password-env=USAGE_DB_PASSWORD names a variable that is not set");

    Run catalog =
        execute(Map.of("HOURMETER_PRODUCT_CATALOG", "/nonexistent/products.json"), "worker");
    assertThat(catalog.exitCode()).as(catalog.err()).isEqualTo(2);
    assertThat(catalog.err())
        .contains("--product-catalog: product catalog /nonexistent/products.json: cannot read it");
  }

  private static FleetSharing fleet(Map<String, String> env, String... flags) {
    List<String> args = new ArrayList<>(List.of("worker"));
    args.addAll(List.of(flags));
    CommandLine.ParseResult parsed =
        HourmeterMain.commandLine(env).parseArgs(args.toArray(String[]::new));
    WorkerCommand command = (WorkerCommand) parsed.subcommand().commandSpec().userObject();
    return command.fleet.resolve(new SettingResolver(env));
  }

  @Test
  void fleetSharingIsOnEveryTenSecondsByDefault() {
    assertThat(fleet(Map.of())).isEqualTo(FleetSharing.defaults());
    assertThat(FleetSharing.defaults().settleDelay()).isEqualTo(Duration.ofSeconds(13));
    Map<String, String> env =
        Map.of("HOURMETER_FLEET_SHARING", "false", "HOURMETER_FLEET_REFRESH", "PT5S");
    assertThat(fleet(env)).isEqualTo(new FleetSharing(false, Duration.ofSeconds(5)));
    assertThat(fleet(env, "--fleet-sharing", "--fleet-refresh", "PT20S"))
        .isEqualTo(new FleetSharing(true, Duration.ofSeconds(20)));
    assertThat(fleet(Map.of(), "--no-fleet-sharing").enabled()).isFalse();

    Run refresh = execute(Map.of("HOURMETER_FLEET_REFRESH", "PT0.5S"), "worker");
    assertThat(refresh.exitCode()).as(refresh.err()).isEqualTo(2);
    assertThat(refresh.err())
        .contains("HOURMETER_FLEET_REFRESH (--fleet-refresh): 'PT0.5S' must be at least PT1S");
  }

  @Test
  void theStartupLineNeverShowsAUsageDatabasePassword() {
    Resolved r =
        worker(
            Map.of(
                "HOURMETER_USAGE_SOURCE",
                "jdbc:postgresql://db/billing?user=u&password=hunter2#table=usage_events"));
    assertThat(r.settings().toString())
        .contains("usageSource=jdbc:postgresql://db/billing?user=u&password=***#table=usage_events")
        .doesNotContain("hunter2");
  }

  @Test
  void logLevelFlag() {
    ch.qos.logback.classic.Logger hourmeter =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.hourmeter");
    ch.qos.logback.classic.Level before = hourmeter.getLevel();
    try {
      Run loud = execute(Map.of(), "worker", "--log-level", "LOUD");
      assertThat(loud.exitCode()).as(loud.err()).isEqualTo(2);
      assertThat(loud.err()).contains("--log-level: 'LOUD'");

      // The variable is checked too (logback alone would fall back to DEBUG without a word).
      Run loudVariable = execute(Map.of("HOURMETER_LOG_LEVEL", "LOUD"), "worker");
      assertThat(loudVariable.exitCode()).as(loudVariable.err()).isEqualTo(2);
      assertThat(loudVariable.err()).contains("HOURMETER_LOG_LEVEL (--log-level): 'LOUD'");

      // Applied before the command runs (which then refuses --metering-tps fast).
      Run debug = execute(Map.of(), "worker", "--log-level", "debug", "--metering-tps", "fast");
      assertThat(debug.exitCode()).as(debug.err()).isEqualTo(2);
      assertThat(hourmeter.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);
    } finally {
      hourmeter.setLevel(before);
    }
  }

  /**
   * Every option of {@code worker} names its environment variable, and docs/configuration.md lists
   * every flag and variable of {@code worker} (DevSettingsTest: of {@code dev} and {@code bench}).
   */
  @Test
  void everyFlagHasAVariableAndIsDocumented() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    CommandLine cli = HourmeterMain.commandLine(Map.of());
    for (OptionSpec option : cli.getSubcommands().get("worker").getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp() || option.longestName().equals("--verbose")) {
        continue;
      }
      String flag = option.longestName();
      assertThat(docs).as("docs/configuration.md mentions %s of worker", flag).contains(flag);
      Matcher variable = VARIABLE.matcher(String.join(" ", option.description()));
      assertThat(variable.find()).as("worker %s names its variable", flag).isTrue();
      assertThat(docs)
          .as("docs/configuration.md mentions %s", variable.group(1))
          .contains(variable.group(1));
    }
  }

  @Test
  void theWorkerJarOffersWorkerAndHelpOnly() {
    assertThat(HourmeterMain.commandLine(Map.of()).getSubcommands().keySet())
        .containsExactlyInAnyOrder("worker", "help");
  }
}
