package dev.hourmeter.starter;

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
import java.time.Duration;
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
      try (TemporalConnection temporal = open(settings)) {
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

  private static TemporalConnection open(TemporalConnectionSettings settings) {
    try {
      return TemporalConnection.builder(settings)
          .rpcTimeout(Duration.ofSeconds(15))
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
        switch (code) {
          case UNAVAILABLE, DEADLINE_EXCEEDED:
            return new CliException(
                ExitCodes.ERROR,
                "cannot reach Temporal at "
                    + where
                    + ": "
                    + (description == null ? code : description)
                    + rootCause(status)
                    + ". Is it running? (./hourmeter dev starts one; set --address or TEMPORAL_ADDRESS)");
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
