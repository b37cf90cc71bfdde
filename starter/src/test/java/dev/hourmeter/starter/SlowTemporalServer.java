package dev.hourmeter.starter;

import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process Temporal server (temporal-testing's services, real time, on a gRPC server of our
 * own) that is slow at chosen methods, as a busy server is, and a worker running the customer
 * workflow. A {@link Slowness} either holds back the answer of a call that is done at once (the
 * client's deadline passes although the work happened), or holds back the work itself and drops it
 * when the caller gave up meanwhile (the work never happens). Other calls are answered at once, and
 * every call until {@link #slowFromNow()}.
 */
final class SlowTemporalServer implements AutoCloseable {

  /** How one method is slow. */
  record Slowness(String method, Duration delay, boolean workLate) {

    /** The call is done at once; its answer (or error) leaves after {@code delay}. */
    static Slowness answerLate(MethodDescriptor<?, ?> method, Duration delay) {
      return new Slowness(method.getFullMethodName(), delay, false);
    }

    /** The call waits {@code delay} before it is done, and is dropped if the caller gave up. */
    static Slowness workLate(MethodDescriptor<?, ?> method, Duration delay) {
      return new Slowness(method.getFullMethodName(), delay, true);
    }
  }

  private final TestServicesStarter services;
  private final Server server;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final WorkerFactory workers;
  private final String address;
  private final Map<String, AtomicInteger> slowCalls = new ConcurrentHashMap<>();
  private volatile boolean slow;

  SlowTemporalServer(String queue, Slowness... slowness) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    services = new TestServicesStarter(false, 0);
    // The SDK pings an idle connection every 30 s: allow it, as Temporal's frontend does (gRPC's
    // default answers a long call's pings with GOAWAY too_many_pings).
    NettyServerBuilder builder =
        NettyServerBuilder.forPort(port)
            .permitKeepAliveTime(1, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    ServerInterceptor slow = new Slow(List.of(slowness));
    for (BindableService bindable : services.getServices()) {
      builder.addService(ServerInterceptors.intercept(bindable, slow));
    }
    server = builder.build().start();
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
    // This client (the worker's, the test's) waits out any slowness.
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(address)
                .setSystemInfoTimeout(Duration.ofMinutes(1))
                .setRpcTimeout(Duration.ofMinutes(1))
                .build());
    client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    workers = WorkerFactory.newInstance(client);
    workers
        .newWorker(queue)
        .registerWorkflowImplementationTypes(CustomerMeteringWorkflowImpl.class);
    workers.start();
  }

  /** From now on the chosen methods are slow (not while the server and its worker set up). */
  SlowTemporalServer slowFromNow() {
    slow = true;
    return this;
  }

  String address() {
    return address;
  }

  WorkflowClient client() {
    return client;
  }

  /** How many calls of {@code method} were slowed down so far. */
  int slowCalls(MethodDescriptor<?, ?> method) {
    AtomicInteger count = slowCalls.get(method.getFullMethodName());
    return count == null ? 0 : count.get();
  }

  @Override
  public void close() {
    workers.shutdownNow();
    service.shutdownNow();
    server.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services.close();
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Slow implements ServerInterceptor {

    private final List<Slowness> rules;

    Slow(List<Slowness> rules) {
      this.rules = rules;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
      String method = call.getMethodDescriptor().getFullMethodName();
      Slowness rule =
          rules.stream().filter(r -> r.method().equals(method)).findFirst().orElse(null);
      if (rule == null || !slow) {
        return next.startCall(call, headers);
      }
      slowCalls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
      if (!rule.workLate()) {
        return next.startCall(
            new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
              @Override
              public void close(Status status, Metadata trailers) {
                sleep(rule.delay());
                super.close(status, trailers);
              }
            },
            headers);
      }
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          next.startCall(call, headers)) {
        @Override
        public void onHalfClose() {
          sleep(rule.delay());
          if (call.isCancelled() || Context.current().isCancelled()) {
            return; // the caller gave up: never done
          }
          super.onHalfClose();
        }
      };
    }
  }
}
