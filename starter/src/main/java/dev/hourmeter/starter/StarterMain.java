package dev.hourmeter.starter;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hourmeter} client commands: start, usage, status, unsubscribe, list, migrate. */
@Command(
    name = "hourmeter",
    mixinStandardHelpOptions = true,
    versionProvider = StarterMain.Version.class,
    description = "Client for hourmeter's per-customer metering workflows on Temporal.",
    subcommands = {
      StartCommand.class,
      UsageCommand.class,
      StatusCommand.class,
      UnsubscribeCommand.class,
      ListCommand.class,
      MigrateCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok (also: start of a customer already running), 1 error (e.g. Temporal unreachable),",
      "            2 bad input (flags, or usage refused by the workflow's validator), 3 workflow not found,",
      "            4 start not confirmed (Temporal did not answer in time, nor show the workflow running after)."
    })
public final class StarterMain implements Runnable {

  // Held strongly: java.util.logging keeps only weak references to configured loggers.
  private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

  private final Map<String, String> env;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public StarterMain(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The environment the commands read their defaults from (injectable for tests). */
  public Map<String, String> env() {
    return env;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * A ready-to-execute command line over the given environment; exit codes as in {@link ExitCodes}.
   */
  public static CommandLine commandLine(Map<String, String> env) {
    return new CommandLine(new StarterMain(env))
        .setCaseInsensitiveEnumValuesAllowed(
            true); // picocli's usage-error exit code is 2 = ExitCodes.BAD_INPUT
  }

  public static void main(String[] args) {
    GRPC_LOGGER.setLevel(Level.SEVERE);
    System.exit(commandLine(System.getenv()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = StarterMain.class.getPackage().getImplementationVersion();
      return new String[] {"hourmeter " + (version == null ? "development build" : version)};
    }
  }
}
