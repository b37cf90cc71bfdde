package dev.hourmeter.sqs;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * How hourmeter builds an SQS client: AWS SDK v2 on the URLConnection HTTP client, in a region,
 * against AWS's SQS or an overridden endpoint. Credentials come from the SDK's default chain;
 * against an overridden endpoint (a local ElasticMQ, which checks none) a process without
 * credentials gets dummy ones instead of failing.
 */
public final class SqsClients {

  /** The dummy credentials' access key id and secret, for an overridden endpoint. */
  static final String LOCAL_CREDENTIALS = "local";

  private SqsClients() {}

  /** A client for {@code region}, on {@code endpoint} when not null. */
  public static SqsClient create(String region, URI endpoint) {
    return builder(region, endpoint).build();
  }

  /**
   * A builder set up as {@link #create} builds, for a caller that adds its own settings (retries,
   * timeouts) before {@code build()}.
   */
  public static SqsClientBuilder builder(String region, URI endpoint) {
    SqsClientBuilder builder =
        SqsClient.builder()
            .region(Region.of(region))
            .httpClient(UrlConnectionHttpClient.builder().build());
    if (endpoint != null) {
      builder.endpointOverride(endpoint).credentialsProvider(localCredentials());
    }
    return builder;
  }

  /** The default chain when it resolves, else the dummy credentials. */
  static AwsCredentialsProvider localCredentials() {
    DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
    try {
      chain.resolveCredentials();
      return chain;
    } catch (SdkClientException e) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(LOCAL_CREDENTIALS, LOCAL_CREDENTIALS));
    }
  }
}
