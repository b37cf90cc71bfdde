package dev.hourmeter.client;

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
import io.temporal.serviceclient.rpcretry.DefaultStubServiceOperationRpcRetryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place hourmeter's processes (worker and client commands) create Temporal connections:
 * service stubs and the workflow client, from {@link TemporalConnectionSettings}. Client-side only:
 * never call it from workflow code (see the package documentation).
 */
public final class TemporalConnection implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TemporalConnection.class);
  private static final Metadata.Key<String> NAMESPACE_HEADER =
      Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER);
  static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final TemporalConnectionSettings settings;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final Duration closeTimeout;

  private TemporalConnection(
      TemporalConnectionSettings settings,
      WorkflowServiceStubs service,
      WorkflowClient client,
      Duration closeTimeout) {
    this.settings = settings;
    this.service = service;
    this.client = client;
    this.closeTimeout = closeTimeout;
  }

  /** Connects with the SDK's defaults (lazily: the first call or poll reaches the server). */
  public static TemporalConnection open(TemporalConnectionSettings settings) {
    return builder(settings).open();
  }

  /** Connects (lazily) reporting the SDK's metrics to {@code metrics}, which may be null. */
  public static TemporalConnection open(TemporalConnectionSettings settings, Scope metrics) {
    return builder(settings).metricsScope(metrics).open();
  }

  public static Builder builder(TemporalConnectionSettings settings) {
    return new Builder(settings);
  }

  /** Options of {@link TemporalConnection#open} beyond the settings. */
  public static final class Builder {

    private final TemporalConnectionSettings settings;
    private Scope metrics;
    private Duration rpcTimeout;
    private Duration longPollTimeout;
    private String identity;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    private Builder(TemporalConnectionSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Where the SDK reports its metrics; null (the default) for none. */
    public Builder metricsScope(Scope scope) {
      this.metrics = scope;
      return this;
    }

    /**
     * How long one ordinary call may take, all told; null (the default) keeps the SDK's (10 s per
     * attempt, 5 s for the GetSystemInfo that precedes a connection's first call, retries for up to
     * a minute). Given, it bounds each attempt, that GetSystemInfo and the SDK's retries of failed
     * attempts alike, so that a call fails within about {@code timeout} (long polls and queries
     * keep their own).
     */
    public Builder rpcTimeout(Duration timeout) {
      this.rpcTimeout = timeout;
      return this;
    }

    /**
     * How long a worker's poll may wait for a task before it asks again; null (the default) keeps
     * the SDK's (70 s; the server answers an empty poll after about 60 s). The server notes a
     * poller's access when its poll starts, so this bounds how old an idle worker's access looks to
     * {@link TaskQueuePollers}. Not below 20 s (the server warns on shorter long polls).
     */
    public Builder longPollTimeout(Duration timeout) {
      if (timeout != null && timeout.compareTo(Duration.ofSeconds(20)) < 0) {
        throw new IllegalArgumentException("longPollTimeout must be at least 20 s: " + timeout);
      }
      this.longPollTimeout = timeout;
      return this;
    }

    /**
     * The identity this client gives Temporal (recorded in the events it causes, such as a
     * workflow's start); null (the default) keeps the SDK's, {@code pid@host}.
     */
    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    /**
     * How long {@link TemporalConnection#close()} waits for calls in flight before it cuts them
     * (default 5s).
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Objects.requireNonNull(timeout, "closeTimeout");
      return this;
    }

    /**
     * Connects (lazily: the first call or poll reaches the server).
     *
     * @throws UncheckedIOException naming the files when the TLS client certificate or key cannot
     *     be read
     */
    public TemporalConnection open() {
      WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder();
      configure(options, settings);
      if (rpcTimeout != null) {
        options
            .setRpcTimeout(rpcTimeout)
            .setSystemInfoTimeout(rpcTimeout)
            .setRpcRetryOptions(
                DefaultStubServiceOperationRpcRetryOptions.getBuilder()
                    .setExpiration(rpcTimeout)
                    .validateBuildWithDefaults());
      }
      if (longPollTimeout != null) {
        options.setRpcLongPollTimeout(longPollTimeout);
      }
      if (metrics != null) {
        options.setMetricsScope(metrics);
      }
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(options.build());
      WorkflowClientOptions.Builder clientOptions =
          WorkflowClientOptions.newBuilder().setNamespace(settings.namespace());
      if (identity != null) {
        clientOptions.setIdentity(identity);
      }
      WorkflowClient client = WorkflowClient.newInstance(service, clientOptions.build());
      return new TemporalConnection(settings, service, client, closeTimeout);
    }
  }

  private static void configure(
      ServiceStubsOptions.Builder<?> options, TemporalConnectionSettings settings) {
    options.setTarget(settings.address());
    if (settings.apiKey() != null) {
      String key = settings.apiKey();
      options.addApiKey(() -> key);
      // Temporal Cloud routes API-key requests by this header.
      String namespace = settings.namespace();
      options.addGrpcMetadataProvider(
          () -> {
            Metadata metadata = new Metadata();
            metadata.put(NAMESPACE_HEADER, namespace);
            return metadata;
          });
    }
    if (settings.tlsCert() != null) {
      try (InputStream cert = Files.newInputStream(settings.tlsCert());
          InputStream key = Files.newInputStream(settings.tlsKey())) {
        options.setSslContext(SimpleSslContextBuilder.forPKCS8(cert, key).build());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read TLS client certificate "
                + settings.tlsCert()
                + " or key "
                + settings.tlsKey()
                + ": "
                + e.getMessage(),
            e);
      }
    } else if (settings.tls()) {
      options.setEnableHttps(true);
    }
  }

  /**
   * Waits until the server answers, logging while it does not (a worker may start before its
   * server).
   *
   * @throws IllegalStateException naming the address when the server did not answer within {@code
   *     timeout}
   */
  public void awaitServer(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean logged = false;
    while (true) {
      try {
        service.connect(Duration.ofSeconds(5));
        if (logged) {
          log.info("Temporal at {} is up", settings.address());
        }
        return;
      } catch (StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "cannot reach Temporal at "
                  + settings.address()
                  + " (namespace "
                  + settings.namespace()
                  + ") within "
                  + timeout
                  + ": "
                  + e.getStatus().getCode(),
              e);
        }
        if (!logged) {
          log.warn("waiting for Temporal at {} ({})", settings.address(), e.getStatus().getCode());
          logged = true;
        }
        sleep(Duration.ofSeconds(2));
      }
    }
  }

  /**
   * Why nothing answers at {@code address} when a plain TCP connection tells at once: the
   * connection is refused (nothing listens) or the host is unknown. Null when a connection opens,
   * when it cannot tell within {@code timeout} (a host that stays silent: the calls' own deadline
   * decides then), and for an address that is not {@code HOST:PORT} (a gRPC target URI).
   *
   * <p>The client commands ask this first: the SDK retries a refused connection for as long as a
   * call may take, and a call may take long on a busy server.
   */
  public static String refusal(String address, Duration timeout) {
    int colon = address.lastIndexOf(':');
    if (address.contains("/") || colon <= 0) {
      return null;
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      return null;
    } catch (UnknownHostException e) {
      return "unknown host " + host;
    } catch (ConnectException e) {
      return e.getMessage() == null ? "connection refused" : e.getMessage();
    } catch (IOException | IllegalArgumentException e) {
      return null; // a timeout, or something gRPC may still get past: not a verdict
    }
  }

  /**
   * Registers hourmeter's Keyword search attributes through the OperatorService (the in-process dev
   * server and the Temporal CLI dev server support it; Temporal Cloud registers them through its
   * own API). Attributes that already exist are left alone.
   */
  public void registerSearchAttributes() {
    OperatorServiceStubsOptions.Builder options = OperatorServiceStubsOptions.newBuilder();
    configure(options, settings);
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(options.validateAndBuildWithDefaults());
    try {
      Map<String, ?> existing = Map.of();
      try {
        existing =
            operator
                .blockingStub()
                .listSearchAttributes(
                    ListSearchAttributesRequest.newBuilder()
                        .setNamespace(settings.namespace())
                        .build())
                .getCustomAttributesMap();
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
        operator
            .blockingStub()
            .addSearchAttributes(
                AddSearchAttributesRequest.newBuilder()
                    .setNamespace(settings.namespace())
                    .putAllSearchAttributes(missing)
                    .build());
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

  public TemporalConnectionSettings settings() {
    return settings;
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
    if (!service.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
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
