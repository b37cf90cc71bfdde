package dev.hourmeter.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The settings of {@code dev} and {@code bench} (WorkerSettingsTest: of {@code worker}): bad values
 * exit 2 naming the flag, and every flag and variable is documented.
 */
class DevSettingsTest {

  private static final Pattern VARIABLE = Pattern.compile("env ((HOURMETER|TEMPORAL|AWS)_[A-Z_]+)");

  private record Run(int exitCode, String err) {}

  private static Run execute(Map<String, String> env, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = DevtoolsMain.commandLine(env);
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  @Test
  void theDevtoolsJarOffersEveryCommandOfTheWorkerJarAndTheDevTools() {
    assertThat(DevtoolsMain.commandLine(Map.of()).getSubcommands().keySet())
        .containsExactlyInAnyOrder("worker", "help", "dev", "bench", "simulator");
  }

  @Test
  void badValuesExitTwoNamingTheFlag() throws IOException {
    Run customers = execute(Map.of(), "dev", "--customers", "5000");
    assertThat(customers.exitCode()).as(customers.err()).isEqualTo(2);
    assertThat(customers.err()).contains("--customers: '5000' must be 0..1000");

    Run devPeriod = execute(Map.of("HOURMETER_DEV_PERIOD", "PT0S"), "dev");
    assertThat(devPeriod.exitCode()).as(devPeriod.err()).isEqualTo(2);
    assertThat(devPeriod.err())
        .contains("HOURMETER_DEV_PERIOD (--period): 'PT0S' must be positive");

    Run registrationPort = execute(Map.of(), "dev", "--registration-port", "70000");
    assertThat(registrationPort.exitCode()).as(registrationPort.err()).isEqualTo(2);
    assertThat(registrationPort.err()).contains("--registration-port: '70000' must be 0..65535");

    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());
      Run devPort = execute(Map.of(), "dev", "--embedded-temporal", "--port", port);
      assertThat(devPort.exitCode()).as(devPort.err()).isEqualTo(1);
      assertThat(devPort.err())
          .contains("port " + port + " on 127.0.0.1 is already in use")
          .contains("choose another with --port");
      Run devPortVariable =
          execute(Map.of("HOURMETER_DEV_PORT", port), "dev", "--embedded-temporal");
      assertThat(devPortVariable.exitCode()).as(devPortVariable.err()).isEqualTo(1);
      assertThat(devPortVariable.err()).contains("choose another with --port");
    }

    Run noRegistration = execute(Map.of(), "dev", "--embedded-temporal", "--no-registration");
    assertThat(noRegistration.exitCode()).as(noRegistration.err()).isEqualTo(2);
    assertThat(noRegistration.err())
        .contains("--no-registration: the demo customers arrive through the registration endpoint");

    Run bench = execute(Map.of(), "bench", "--linger", "soon");
    assertThat(bench.exitCode()).as(bench.err()).isEqualTo(2);
    assertThat(bench.err()).contains("--linger: 'soon'");
  }

  @Test
  void logLevelFlagOfAnAddedCommand() {
    ch.qos.logback.classic.Logger hourmeter =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.hourmeter");
    ch.qos.logback.classic.Level before = hourmeter.getLevel();
    try {
      // Applied before the command runs (which then refuses --customers 0).
      Run debug = execute(Map.of(), "bench", "--log-level", "debug", "--customers", "0");
      assertThat(debug.exitCode()).as(debug.err()).isEqualTo(2);
      assertThat(hourmeter.getLevel()).isEqualTo(ch.qos.logback.classic.Level.DEBUG);
    } finally {
      hourmeter.setLevel(before);
    }
  }

  /**
   * Every option of {@code dev} names its environment variable, and docs/configuration.md lists
   * every flag and variable of {@code dev} and {@code bench}.
   */
  @Test
  void everyFlagHasAVariableAndIsDocumented() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    CommandLine cli = DevtoolsMain.commandLine(Map.of());
    for (String name : List.of("dev", "bench")) {
      for (OptionSpec option : cli.getSubcommands().get(name).getCommandSpec().options()) {
        if (option.usageHelp()
            || option.versionHelp()
            || option.longestName().equals("--verbose")) {
          continue;
        }
        String flag = option.longestName();
        assertThat(docs).as("docs/configuration.md mentions %s of %s", flag, name).contains(flag);
        Matcher variable = VARIABLE.matcher(String.join(" ", option.description()));
        if (name.equals("bench") && !variable.find()) {
          continue; // the benchmark's run parameters (--customers, --period, ...) are flags only
        }
        assertThat(variable.find(0)).as("%s %s names its variable", name, flag).isTrue();
        assertThat(docs)
            .as("docs/configuration.md mentions %s", variable.group(1))
            .contains(variable.group(1));
      }
    }
  }
}
