package dev.hourmeter.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.hourmeter.client.SettingResolver;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of the worker jar, the one operators deploy: {@code worker}. The devtools jar adds
 * {@code dev}, {@code bench} and {@code simulator} to {@link #commandLine}.
 */
@Command(
    name = "hourmeter",
    mixinStandardHelpOptions = true,
    versionProvider = HourmeterMain.Version.class,
    description = "hourmeter: durable AWS Marketplace metering on Temporal.",
    subcommands = {WorkerCommand.class, CommandLine.HelpCommand.class})
public final class HourmeterMain implements Runnable {

  // Held strongly: java.util.logging keeps only weak references to configured loggers.
  private static final java.util.logging.Logger GRPC_LOGGER =
      java.util.logging.Logger.getLogger("io.grpc");

  static final String LOG_LEVEL_VARIABLE = "HOURMETER_LOG_LEVEL";

  private final Map<String, String> env;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  static final String ENV_LOG_LEVEL = "HOURMETER_LOG_LEVEL";

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      scope = ScopeType.INHERIT,
      description =
          "Level of hourmeter's own log lines: ERROR, WARN, INFO, DEBUG or TRACE (env "
              + ENV_LOG_LEVEL
              + ", default INFO).")
  String logLevel;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public HourmeterMain(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The environment the commands read their settings from (injectable for tests). */
  public Map<String, String> env() {
    return env;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line over {@code env}; exit codes: 0 ok, 1 error, 2 bad flags or configuration. */
  public static CommandLine commandLine(Map<String, String> env) {
    HourmeterMain main = new HourmeterMain(env);
    CommandLine cli = new CommandLine(main);
    cli.setExecutionStrategy(
        parseResult -> {
          main.applyLogLevel(parseResult.commandSpec().commandLine());
          return new CommandLine.RunLast().execute(parseResult);
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          boolean badInput = e instanceof IllegalArgumentException;
          commandLine.getErr().println((badInput ? "" : "error: ") + messages(e));
          if (main.verbose) {
            e.printStackTrace(commandLine.getErr());
          }
          return badInput ? 2 : 1;
        });
    return cli;
  }

  /**
   * Sets the level of the {@code dev.hourmeter} loggers from {@code --log-level}, else {@code
   * HOURMETER_LOG_LEVEL} (logback.xml has applied the variable already; it is checked here so that
   * a bad value exits 2 instead of logback's silent fallback to DEBUG).
   */
  private void applyLogLevel(CommandLine cli) {
    String value =
        new SettingResolver(env).string("--log-level", LOG_LEVEL_VARIABLE, logLevel, null);
    if (value == null || value.isBlank()) {
      return;
    }
    Level level = Level.toLevel(value.trim(), null);
    if (level == null || level.toInt() == Level.ALL_INT || level == Level.OFF) {
      String source = logLevel != null ? "--log-level" : LOG_LEVEL_VARIABLE + " (--log-level)";
      throw new CommandLine.ParameterException(
          cli, source + ": '" + value + "' must be ERROR, WARN, INFO, DEBUG or TRACE");
    }
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger("dev.hourmeter").setLevel(level);
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command in this JVM and returns its exit code (0 ok, 1 error, 2 bad input). */
  public static int run(String... args) {
    return execute(commandLine(System.getenv()), args);
  }

  /**
   * Runs one command of {@code cli} ({@link #commandLine}, possibly with more subcommands) in this
   * JVM and returns its exit code.
   */
  public static int execute(CommandLine cli, String... args) {
    GRPC_LOGGER.setLevel(java.util.logging.Level.SEVERE);
    return cli.execute(args);
  }

  /** The message of {@code e}, and of its root cause when that adds something. */
  public static String messages(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String rootMessage = root.getMessage();
    return root == e || rootMessage == null || message.contains(rootMessage)
        ? message
        : message + " (" + rootMessage + ")";
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = HourmeterMain.class.getPackage().getImplementationVersion();
      return new String[] {"hourmeter " + (version == null ? "development build" : version)};
    }
  }
}
