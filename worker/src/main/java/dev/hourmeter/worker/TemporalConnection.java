package dev.hourmeter.worker;

import com.uber.m3.tally.Scope;
import dev.hourmeter.workflows.MeteringSearchAttributes;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.ServiceStubsOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place the worker process creates Temporal connections: service stubs and the workflow client. */
public final class TemporalConnection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TemporalConnection.class);
  private static final Metadata.Key<String> NAMESPACE_HEADER =
      Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER);

  private final WorkerConfig config;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;

  private TemporalConnection(WorkerConfig config, WorkflowServiceStubs service, WorkflowClient client) {
    this.config = config;
    this.service = service;
    this.client = client;
  }

  /** Connects (lazily: the first call or poll reaches the server). {@code metrics} may be null. */
  public static TemporalConnection open(WorkerConfig config, Scope metrics) {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder();
    configure(options, config);
    if (metrics != null) {
      options.setMetricsScope(metrics);
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(options.build());
    WorkflowClient client = WorkflowClient.newInstance(service,
        WorkflowClientOptions.newBuilder().setNamespace(config.namespace()).build());
    return new TemporalConnection(config, service, client);
  }

  private static void configure(ServiceStubsOptions.Builder<?> options, WorkerConfig config) {
    options.setTarget(config.address());
    if (config.apiKey() != null) {
      String key = config.apiKey();
      options.addApiKey(() -> key);
      String namespace = config.namespace();
      options.addGrpcMetadataProvider(() -> {
        Metadata metadata = new Metadata();
        metadata.put(NAMESPACE_HEADER, namespace);
        return metadata;
      });
    }
    if (config.tlsCert() != null) {
      try (InputStream cert = Files.newInputStream(config.tlsCert());
          InputStream key = Files.newInputStream(config.tlsKey())) {
        options.setSslContext(SimpleSslContextBuilder.forPKCS8(cert, key).build());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read TLS client certificate " + config.tlsCert()
            + " or key " + config.tlsKey() + ": " + e.getMessage(), e);
      }
    } else if (config.tls()) {
      options.setEnableHttps(true);
    }
  }

  /**
   * Waits until the server answers, logging while it does not (a worker may start before its server).
   *
   * @throws IllegalStateException naming the address when the server did not answer within {@code timeout}
   */
  public void awaitServer(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean logged = false;
    while (true) {
      try {
        service.connect(Duration.ofSeconds(5));
        if (logged) {
          log.info("Temporal at {} is up", config.address());
        }
        return;
      } catch (StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot reach Temporal at " + config.address() + " (namespace "
              + config.namespace() + ") within " + timeout + ": " + e.getStatus().getCode(), e);
        }
        if (!logged) {
          log.warn("waiting for Temporal at {} ({})", config.address(), e.getStatus().getCode());
          logged = true;
        }
        sleep(Duration.ofSeconds(2));
      }
    }
  }

  /**
   * Registers hourmeter's Keyword search attributes through the OperatorService (the in-process dev server
   * and the Temporal CLI dev server support it; Temporal Cloud registers them through its own API).
   * Attributes that already exist are left alone.
   */
  public void registerSearchAttributes() {
    OperatorServiceStubsOptions.Builder options = OperatorServiceStubsOptions.newBuilder();
    configure(options, config);
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(options.validateAndBuildWithDefaults());
    try {
      Map<String, ?> existing = Map.of();
      try {
        existing = operator.blockingStub().listSearchAttributes(
            ListSearchAttributesRequest.newBuilder().setNamespace(config.namespace()).build()).getCustomAttributesMap();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
      }
      var missing = new HashMap<>(MeteringSearchAttributes.ALL);
      missing.keySet().removeAll(existing.keySet());
      if (missing.isEmpty()) {
        return;
      }
      try {
        operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
            .setNamespace(config.namespace()).putAllSearchAttributes(missing).build());
        log.info("registered search attributes {}", missing.keySet().stream().sorted().toList());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw e;
        }
      }
    } finally {
      operator.shutdownNow();
    }
  }

  public WorkerConfig config() {
    return config;
  }

  public WorkflowServiceStubs service() {
    return service;
  }

  public WorkflowClient client() {
    return client;
  }

  @Override
  public void close() {
    service.shutdown();
    if (!service.awaitTermination(5, TimeUnit.SECONDS)) {
      service.shutdownNow();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Temporal", e);
    }
  }
}
