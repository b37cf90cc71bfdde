package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import picocli.CommandLine;

// Alone, not beside other test classes: it replaces System.out and System.err.
@Isolated
class SimulatorMainTest {

  private record Run(int exitCode, String err) {}

  private static Run run(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = SimulatorMain.run(args);
      return new Run(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void badFlagValuesExitWithTwoAndNameTheFlag() {
    String[][] cases = {
      {"--period", "one-hour"},
      {"--period", "PT0S"},
      {"--cloudtrail-delay", "-PT5M"},
      {"--window-periods", "-1"},
      {"--window", "six-hours"},
      {"--window", "-PT6H"},
      {"--metering-tps", "ten"},
      {"--lookup-tps", "-2"},
      {"--port", "70000"},
      {"--event-queue-url", "lifecycle"},
      {"--event-queue-url", "http://127.0.0.1:9324"},
      {"--event-sqs-endpoint", "http://127.0.0.1:9324"},
      {"--event-queue-url", "http://127.0.0.1:9324/000000000000/q", "--event-sqs-endpoint", "x"},
      {"--product", "p:licensed"},
      {"--product", "bad code"},
    };
    for (String[] args : cases) {
      Run result = run(args);
      assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(result.err()).as(String.join(" ", args)).contains(args[args.length - 2]);
    }
    assertThat(run("--no-such-flag").exitCode()).isEqualTo(2);
  }

  @Test
  void helpExitsWithZero() {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(SimulatorMain.run("--help")).isZero();
    } finally {
      System.setOut(original);
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--metering-tps", "--cloudtrail-delay", "--event-queue-url", "SIMULATOR_EVENT_");
  }

  private static SimulatorConfig parse(String... args) {
    SimulatorMain main = new SimulatorMain();
    new CommandLine(main).parseArgs(args);
    return main.builder().config();
  }

  @Test
  void productFlagsConfigureTheCatalogWithTheirKind() {
    SimulatorMain main = new SimulatorMain();
    new CommandLine(main)
        .parseArgs(
            "--product",
            "p-ca:concurrent-agreements:requests,gb-hours",
            "--product",
            "p-legacy",
            "--product",
            "p-moving:migrating:cpu");
    MarketplaceSimulator simulator = main.builder().build();
    assertThat(simulator.products())
        .containsExactly(
            ProductSpec.concurrentAgreements("p-ca", "requests", "gb-hours"),
            ProductSpec.of("p-legacy"),
            ProductSpec.migrating("p-moving", "cpu"));
    assertThat(simulator.agreements().create(AgreementSpec.of("p-ca", "111122223333")).licenseArn())
        .isNotNull();
  }

  @Test
  void theEventQueueFlagsGiveAnSqsSinkAndNoneKeepsEventsInMemory() {
    SimulatorMain none = new SimulatorMain();
    new CommandLine(none).parseArgs();
    assertThat(none.eventSink()).isNull();
    assertThat(none.builder().build().agreements().sink())
        .isInstanceOf(InMemoryAgreementEventSink.class);

    SimulatorMain sqs = new SimulatorMain();
    new CommandLine(sqs)
        .parseArgs(
            "--event-queue-url",
            "http://127.0.0.1:9324/000000000000/lifecycle",
            "--event-sqs-endpoint",
            "http://127.0.0.1:9324");
    try (SqsAgreementEventSink sink = sqs.eventSink()) {
      assertThat(sink.queueUrl()).isEqualTo("http://127.0.0.1:9324/000000000000/lifecycle");
    }
  }

  @Test
  void defaults() {
    SimulatorConfig config = parse();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(4599);
    assertThat(config.period()).isEqualTo(Duration.ofHours(1));
    assertThat(config.window()).isEqualTo(Duration.ofHours(24));
    assertThat(config.windowPeriods()).isEqualTo(24);
    assertThat(config.cloudTrailDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.autoSubscribe()).isFalse();
    assertThat(config.meteringTps()).isEqualTo(10);
    assertThat(config.lookupTps()).isEqualTo(2);
  }

  @Test
  void windowIsADurationOrACountOfPeriodsButNotBoth() {
    assertThat(parse("--window", "PT6H").window()).isEqualTo(Duration.ofHours(6));
    assertThat(parse("--period", "PT1M").window())
        .as("24 periods by default")
        .isEqualTo(Duration.ofMinutes(24));
    assertThat(parse("--period", "PT1M", "--window", "PT6H").window())
        .isEqualTo(Duration.ofHours(6));
    assertThat(parse("--period", "PT1M", "--window-periods", "6").window())
        .isEqualTo(Duration.ofMinutes(6));

    Run both = run("--window", "PT6H", "--window-periods", "6");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--window", "--window-periods");
  }

  @Test
  void cloudTrailDelayScalesWithShortPeriodsUnlessGiven() {
    assertThat(parse("--period", "PT6M").cloudTrailDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(parse("--period", "PT1M").cloudTrailDelay()).isEqualTo(Duration.ofSeconds(5));
    assertThat(parse("--period", "PT2H").cloudTrailDelay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(parse("--period", "PT6M", "--cloudtrail-delay", "PT1M").cloudTrailDelay())
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void flagsMapToTheConfig() {
    SimulatorConfig config =
        parse(
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--window-periods",
            "24",
            "--auto-subscribe",
            "--metering-tps",
            "0",
            "--lookup-tps",
            "5");
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isZero();
    assertThat(config.windowPeriods()).isEqualTo(24);
    assertThat(config.window()).isEqualTo(Duration.ofHours(24));
    assertThat(config.autoSubscribe()).isTrue();
    assertThat(config.meteringTps()).isZero();
    assertThat(config.lookupTps()).isEqualTo(5);
  }
}
