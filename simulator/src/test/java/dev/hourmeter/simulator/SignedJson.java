package dev.hourmeter.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * AWS JSON 1.1 requests signed with SigV4 by the AWS SDK's own signer, for fields the Java SDK's
 * model (2.40.2) lacks: {@code LicenseArn}, {@code QuantityAsDecimal}, the {@code LICENSE_ARN}
 * filter.
 */
final class SignedJson {

  static final String METERING = "AWSMPMeteringService.BatchMeterUsage";
  static final String ENTITLEMENT = "AWSMPEntitlementService.GetEntitlements";

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final Set<String> RESTRICTED = Set.of("host", "content-length");

  private SignedJson() {}

  static HttpSupport.Reply post(MarketplaceSimulator sim, String target, String body) {
    SdkHttpRequest unsigned =
        SdkHttpRequest.builder()
            .uri(URI.create(sim.endpoint() + "/"))
            .method(SdkHttpMethod.POST)
            .putHeader("Content-Type", AwsJson.CONTENT_TYPE)
            .putHeader("X-Amz-Target", target)
            .build();
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(
                            AwsCredentialsIdentity.create(
                                SimulatorTestBase.ACCESS_KEY, "dummy-secret"))
                        .request(unsigned)
                        .payload(ContentStreamProvider.fromUtf8String(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "aws-marketplace")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(signed.request().getUri())
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
      if (!RESTRICTED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
        header.getValue().forEach(v -> request.header(header.getKey(), v));
      }
    }
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new HttpSupport.Reply(
          response.statusCode(), HttpSupport.JSON.readTree(response.body()), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
