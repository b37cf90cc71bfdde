package dev.hourmeter.starter;

import io.grpc.Metadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;

/**
 * The one place the client commands create Temporal connections. (The worker has its own small twin,
 * because the client must not depend on the worker's module.)
 */
public final class StarterConnection implements AutoCloseable {

  private static final Metadata.Key<String> NAMESPACE_HEADER =
      Metadata.Key.of("temporal-namespace", Metadata.ASCII_STRING_MARSHALLER);

  private final ConnectionOptions.Settings settings;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;

  private StarterConnection(ConnectionOptions.Settings settings, WorkflowServiceStubs service, WorkflowClient client) {
    this.settings = settings;
    this.service = service;
    this.client = client;
  }

  public static StarterConnection open(ConnectionOptions.Settings settings) {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(settings.address())
        .setRpcTimeout(Duration.ofSeconds(15));
    if (settings.apiKey() != null) {
      String key = settings.apiKey();
      options.addApiKey(() -> key);
      // Temporal Cloud routes API-key requests by this header.
      options.addGrpcMetadataProvider(() -> {
        Metadata metadata = new Metadata();
        metadata.put(NAMESPACE_HEADER, settings.namespace());
        return metadata;
      });
    }
    if (settings.tlsCert() != null) {
      try (InputStream cert = Files.newInputStream(settings.tlsCert());
          InputStream key = Files.newInputStream(settings.tlsKey())) {
        options.setSslContext(SimpleSslContextBuilder.forPKCS8(cert, key).build());
      } catch (IOException e) {
        throw new CliException(ExitCodes.BAD_INPUT, "cannot read the TLS client certificate or key: " + e.getMessage(), e);
      }
    } else if (settings.tls()) {
      options.setEnableHttps(true);
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(options.build());
    WorkflowClient client = WorkflowClient.newInstance(service,
        WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
    return new StarterConnection(settings, service, client);
  }

  public ConnectionOptions.Settings settings() {
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
    service.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
  }
}
