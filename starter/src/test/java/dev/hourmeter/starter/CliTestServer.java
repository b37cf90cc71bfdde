package dev.hourmeter.starter;

import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * A real in-process Temporal server (port-bound, real time) with the Metering* search attributes
 * and a worker running the customer workflow, for the client commands' tests. No period closes
 * while a test runs (PT1H), so no activity is needed.
 */
final class CliTestServer {

  private final String queue;
  private final TestServer.PortBoundTestServer server;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final WorkerFactory workers;
  private final String address;

  private CliTestServer(String queue) throws IOException {
    this.queue = queue;
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server = TestServer.createPortBoundServer(port, true);
    address = "127.0.0.1:" + port;
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setTarget(address)
                .validateAndBuildWithDefaults());
    operator
        .blockingStub()
        .addSearchAttributes(
            AddSearchAttributesRequest.newBuilder()
                .setNamespace("default")
                .putAllSearchAttributes(MeteringSearchAttributes.ALL)
                .build());
    operator.shutdownNow();
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    workers = WorkerFactory.newInstance(client);
    workers
        .newWorker(queue)
        .registerWorkflowImplementationTypes(CustomerMeteringWorkflowImpl.class);
    workers.start();
  }

  /** Starts the server and a worker polling {@code queue}. */
  static CliTestServer start(String queue) throws IOException {
    return new CliTestServer(queue);
  }

  String address() {
    return address;
  }

  WorkflowClient client() {
    return client;
  }

  /** Runs a client command against this server and the worker's task queue. */
  Result run(String... args) {
    return runWith(Map.of("TEMPORAL_ADDRESS", address, "HOURMETER_TASK_QUEUE", queue), args);
  }

  /** Runs the status command until it succeeds (the workflow ran its first task) or 20 s pass. */
  void awaitStatus(String product, String customer) {
    awaitStatus("--product", product, "--customer", customer);
  }

  /** {@link #awaitStatus(String, String)} with any status options (such as --license-arn). */
  void awaitStatus(String... statusOptions) {
    String[] args = new String[statusOptions.length + 1];
    args[0] = "status";
    System.arraycopy(statusOptions, 0, args, 1, statusOptions.length);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (run(args).code() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  static Result runWith(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = StarterMain.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  void close() throws InterruptedException {
    workers.shutdownNow();
    workers.awaitTermination(5, TimeUnit.SECONDS);
    service.shutdownNow();
    server.close();
  }

  /** What a command printed and returned. */
  record Result(int code, String out, String err) {}
}
