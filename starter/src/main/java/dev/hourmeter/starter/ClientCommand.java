package dev.hourmeter.starter;

import dev.hourmeter.client.SettingResolver;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.TemporalConnectionOptions;
import dev.hourmeter.client.TemporalConnectionSettings;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that talk to Temporal: resolves the connection settings, opens the
 * connection, runs, and turns failures into one clear line and an exit code (a stack trace only
 * with {@code --verbose}).
 */
abstract class ClientCommand implements Callable<Integer> {

  private static final Pattern NAMESPACE_NOT_FOUND =
      Pattern.compile("^namespace .*not found", Pattern.CASE_INSENSITIVE);

  @ParentCommand StarterMain root;

  @Mixin TemporalConnectionOptions connection;

  @Option(
      names = {"-v", "--verbose"},
      description = "Print stack traces of errors.")
  boolean verbose;

  @Option(
      names = "--rpc-timeout",
      paramLabel = "DURATION",
      description =
          "How long to wait for Temporal's answer to each call, retries included, ISO-8601 (env "
              + ENV_RPC_TIMEOUT
              + ", default PT30S). A start not answered in time is checked before it is called"
              + " failed.")
  String rpcTimeoutFlag;

  /** The variable of {@code --rpc-timeout}. */
  static final String ENV_RPC_TIMEOUT = "HOURMETER_RPC_TIMEOUT";

  /**
   * The default of {@code --rpc-timeout}. A busy machine's dev server (ten starts at once on two
   * cores) took longer than the SDK's 5 s for the GetSystemInfo before a connection's first call.
   */
  static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How long the TCP check before the first call waits for a connection: a refused one fails the
   * command at once ("cannot reach"), where the SDK would retry it for the whole --rpc-timeout.
   */
  private static final Duration REFUSAL_PROBE = Duration.ofSeconds(2);

  /** The effective {@code --rpc-timeout}: resolved before the command runs. */
  private Duration rpcTimeout = DEFAULT_RPC_TIMEOUT;

  /**
   * This command's identity on Temporal: the SDK's {@code pid@host} and a random suffix, so that
   * {@code start} can tell a workflow it started from one that ran already (the identity is
   * recorded in the workflow's start event).
   */
  private final String identity =
      ManagementFactory.getRuntimeMXBean().getName()
          + " hourmeter-cli-"
          + UUID.randomUUID().toString().substring(0, 8);

  @Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command; returns the exit code. */
  protected abstract int run(TemporalConnection temporal) throws Exception;

  /**
   * The workflow this command is about, for "not found" messages; null when not about one workflow.
   */
  protected String workflowId() {
    return null;
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public final Integer call() {
    TemporalConnectionSettings settings = null;
    try {
      settings = connection.resolve(root.env());
      rpcTimeout =
          new SettingResolver(root.env())
              .positiveDuration(
                  "--rpc-timeout", ENV_RPC_TIMEOUT, rpcTimeoutFlag, DEFAULT_RPC_TIMEOUT);
      String refused = TemporalConnection.refusal(settings.address(), REFUSAL_PROBE);
      if (refused != null) {
        throw new CliException(ExitCodes.ERROR, cannotReach(settings, refused));
      }
      try (TemporalConnection temporal = open(settings, rpcTimeout, identity)) {
        try {
          int code = run(temporal);
          out().flush();
          return code;
        } catch (Exception e) {
          return fail(e, settings, temporal);
        }
      }
    } catch (Exception e) {
      return fail(e, settings, null);
    }
  }

  /** How long each call to Temporal may take ({@code --rpc-timeout}). */
  protected Duration rpcTimeout() {
    return rpcTimeout;
  }

  /** This command's identity on Temporal (recorded in a workflow's start event). */
  protected String identity() {
    return identity;
  }

  private static TemporalConnection open(
      TemporalConnectionSettings settings, Duration rpcTimeout, String identity) {
    try {
      return TemporalConnection.builder(settings)
          .rpcTimeout(rpcTimeout)
          .identity(identity)
          .closeTimeout(Duration.ofSeconds(2))
          .open();
    } catch (UncheckedIOException e) {
      throw new CliException(
          ExitCodes.BAD_INPUT,
          "cannot read the TLS client certificate or key: " + e.getCause().getMessage(),
          e);
    }
  }

  private int fail(Exception e, TemporalConnectionSettings settings, TemporalConnection temporal) {
    CliException failure = translate(e, settings, temporal);
    err().println(failure.getMessage());
    if (verbose) {
      e.printStackTrace(err());
    }
    err().flush();
    return failure.exitCode();
  }

  private CliException translate(
      Throwable e, TemporalConnectionSettings settings, TemporalConnection temporal) {
    String where =
        settings == null ? "" : settings.address() + " (namespace " + settings.namespace() + ")";
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof CliException cli) {
        return cli;
      }
      if (cause instanceof IllegalArgumentException bad && cause == e) {
        return CliException.badInput(bad.getMessage());
      }
      if (cause instanceof WorkflowNotFoundException) {
        // The SDK reports a missing namespace as a missing workflow: tell them apart.
        String namespaceProblem = namespaceNotFound(cause.getCause());
        return namespaceProblem != null
            ? new CliException(ExitCodes.ERROR, "Temporal at " + where + ": " + namespaceProblem)
            : notFound(temporal);
      }
      if (cause instanceof StatusRuntimeException status) {
        Status.Code code = status.getStatus().getCode();
        String description = status.getStatus().getDescription();
        if (code == Status.Code.DEADLINE_EXCEEDED && reached(status)) {
          return new CliException(
              ExitCodes.ERROR,
              "Temporal at "
                  + where
                  + " did not answer within "
                  + rpcTimeout
                  + ": it is reachable but slow (busy?); what was asked may have been done."
                  + " Check, or give it longer (--rpc-timeout, "
                  + ENV_RPC_TIMEOUT
                  + ")");
        }
        switch (code) {
          case UNAVAILABLE, DEADLINE_EXCEEDED:
            return new CliException(
                ExitCodes.ERROR,
                cannotReach(
                    settings, (description == null ? code : description) + rootCause(status)));
          case UNAUTHENTICATED, PERMISSION_DENIED:
            return new CliException(
                ExitCodes.ERROR,
                "Temporal at "
                    + where
                    + " refused the credentials: "
                    + description
                    + " (check --api-key / TEMPORAL_API_KEY, --tls-cert)");
          case NOT_FOUND:
            if (namespaceNotFound(status) != null) {
              return new CliException(ExitCodes.ERROR, "Temporal at " + where + ": " + description);
            }
            return notFound(temporal);
          default:
            return new CliException(
                ExitCodes.ERROR, "Temporal at " + where + " answered " + code + ": " + description);
        }
      }
    }
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    return new CliException(
        ExitCodes.ERROR, "error: " + message + (verbose ? "" : " (--verbose for details)"));
  }

  /**
   * The server's description of a NOT_FOUND about the namespace ("Namespace x is not found."), not
   * a workflow; null otherwise.
   */
  private static String namespaceNotFound(Throwable e) {
    if (e instanceof StatusRuntimeException status
        && status.getStatus().getCode() == Status.Code.NOT_FOUND) {
      String description = status.getStatus().getDescription();
      if (description != null && NAMESPACE_NOT_FOUND.matcher(description).find()) {
        return description;
      }
    }
    return null;
  }

  /** The gRPC status code under {@code e} (the SDK wraps the service's errors); null if none. */
  static Status.Code grpcCode(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        return status.getStatus().getCode();
      }
    }
    return null;
  }

  private static String cannotReach(TemporalConnectionSettings settings, String why) {
    return "cannot reach Temporal at "
        + (settings == null ? "" : settings.address() + " (namespace " + settings.namespace() + ")")
        + ": "
        + why
        + ". Is it running? (./hourmeter dev starts one; set --address or TEMPORAL_ADDRESS)";
  }

  /**
   * Whether a DEADLINE_EXCEEDED came from a call that reached the server: gRPC's description of one
   * names the {@code remote_addr} it was sent to; a call still waiting for a connection when its
   * deadline passed says {@code waiting_for_connection} (nothing answered at the address).
   */
  static boolean reached(StatusRuntimeException e) {
    String description = e.getStatus().getDescription();
    return description != null
        && description.contains("remote_addr=")
        && !description.contains("waiting_for_connection");
  }

  /** " (Connection refused)": what lies under gRPC's "io exception". */
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e || root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
  }

  private CliException notFound(TemporalConnection temporal) {
    String id = workflowId();
    if (id == null) {
      return new CliException(ExitCodes.NOT_FOUND, "workflow not found");
    }
    WorkflowExecutionStatus closed = closedStatus(temporal, id);
    if (closed != null) {
      return new CliException(
          ExitCodes.NOT_FOUND,
          id
              + " is no longer running ("
              + ListCommand.statusName(closed)
              + "): it takes no more usage or signals; status still shows its last state");
    }
    return new CliException(
        ExitCodes.NOT_FOUND,
        "no metering workflow " + id + " (never started?); see ./hourmeter list");
  }

  /** The status of the workflow's latest run when it exists and is closed; null otherwise. */
  private static WorkflowExecutionStatus closedStatus(
      TemporalConnection temporal, String workflowId) {
    if (temporal == null) {
      return null;
    }
    try {
      return Executions.latest(temporal, workflowId)
          .filter(run -> !Executions.isRunning(run))
          .map(WorkflowExecutionMetadata::getStatus)
          .orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
