package dev.hourmeter.devtools;

import dev.hourmeter.devtools.bench.BenchCommand;
import dev.hourmeter.simulator.SimulatorMain;
import dev.hourmeter.worker.HourmeterMain;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of the devtools jar: the worker jar's command line ({@link HourmeterMain}: {@code
 * worker}, {@code help}) with {@code dev}, {@code bench} and {@code simulator} added.
 */
public final class DevtoolsMain {

  private DevtoolsMain() {}

  /** The command line over {@code env}; exit codes as the worker jar's. */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cli = HourmeterMain.commandLine(env);
    cli.addSubcommand(new DevCommand());
    cli.addSubcommand(new BenchCommand());
    cli.addSubcommand("simulator", new SimulatorMain());
    return cli;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command in this JVM and returns its exit code (0 ok, 1 error, 2 bad input). */
  public static int run(String... args) {
    return HourmeterMain.execute(commandLine(System.getenv()), args);
  }
}
