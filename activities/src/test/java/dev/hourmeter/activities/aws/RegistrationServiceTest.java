package dev.hourmeter.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.activities.testing.CapturingServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;

/** ResolveCustomer through the real SDK client, on exact bytes. */
class RegistrationServiceTest {

  private static final String LICENSE =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0";

  private CapturingServer server;
  private MarketplaceGateway gateway;

  @BeforeEach
  void start() throws Exception {
    server = new CapturingServer();
    gateway =
        new MarketplaceGateway(
            AwsSettings.forSimulator(server.endpoint()), new SimpleMeterRegistry());
    gateway
        .registration()
        .retries(3, BackoffPolicy.doubling(Duration.ofMillis(1), Duration.ofMillis(5)));
  }

  @AfterEach
  void stop() {
    gateway.close();
    server.close();
  }

  @Test
  void readsLicenseArnAndAgreementIdThatTheSdkModelLacks() {
    server.answer(
        200,
        "{\"CustomerIdentifier\":\"\",\"CustomerAWSAccountId\":\"111122223333\","
            + "\"ProductCode\":\"prod-ca\",\"LicenseArn\":\""
            + LICENSE
            + "\",\"Metadata\":{\"AgreementId\":\"agmt-0123456789abcdef\"}}");

    ResolvedCustomer resolved = gateway.registration().resolveCustomer("tok+/=123");

    assertThat(resolved)
        .isEqualTo(
            new ResolvedCustomer(
                "prod-ca", null, "111122223333", LICENSE, "agmt-0123456789abcdef"));
    CapturingServer.Captured request = server.captured().get(0);
    assertThat(request.header("x-amz-target")).isEqualTo("AWSMPMeteringService.ResolveCustomer");
    assertThat(request.bodyText()).isEqualTo("{\"RegistrationToken\":\"tok+/=123\"}");
  }

  @Test
  void aLegacyAnswerHasNeitherLicenseNorAgreement() {
    server.answer(
        200,
        "{\"CustomerIdentifier\":\"cust-abc\",\"CustomerAWSAccountId\":\"111122223333\","
            + "\"ProductCode\":\"prod-legacy\"}");

    assertThat(gateway.registration().resolveCustomer("t"))
        .isEqualTo(new ResolvedCustomer("prod-legacy", "cust-abc", "111122223333", null, null));
  }

  @Test
  void invalidAndExpiredTokensAreNotRetried() {
    server.answer(400, "{\"__type\":\"InvalidTokenException\",\"message\":\"bad token\"}");
    assertThatThrownBy(() -> gateway.registration().resolveCustomer("t"))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("InvalidTokenException");
              assertThat(e.kind()).isEqualTo(MarketplaceCallException.Kind.NON_RETRYABLE);
            });
    server.answer(400, "{\"__type\":\"ExpiredTokenException\",\"message\":\"expired\"}");
    assertThatThrownBy(() -> gateway.registration().resolveCustomer("t"))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("ExpiredTokenException");
              assertThat(e.retryable()).isFalse();
            });
    assertThat(server.captured()).hasSize(2);
  }

  @Test
  void throttlingAndServerErrorsAreRetried() {
    server.answer(400, "{\"__type\":\"ThrottlingException\",\"message\":\"slow down\"}");
    server.answer(500, "{\"__type\":\"InternalServiceErrorException\",\"message\":\"oops\"}");
    server.answer(200, "{\"CustomerIdentifier\":\"cust-abc\",\"ProductCode\":\"prod-legacy\"}");

    assertThat(gateway.registration().resolveCustomer("t").customerIdentifier())
        .isEqualTo("cust-abc");
    assertThat(server.captured()).hasSize(3);
  }

  @Test
  void aFailureThatOutlastsTheRetriesIsThrownRetryable() {
    server.otherwise(r -> new CapturingServer.Canned(503, "{\"__type\":\"ServiceUnavailable\"}"));

    assertThatThrownBy(() -> gateway.registration().resolveCustomer("t"))
        .isInstanceOfSatisfying(
            MarketplaceCallException.class, e -> assertThat(e.retryable()).isTrue());
    assertThat(server.captured()).hasSize(3);
  }

  /**
   * Fails on the day the SDK model has ResolveCustomer's LicenseArn and Metadata: whoever upgrades
   * then reads them from {@link ResolveCustomerResponse} in RegistrationService and deletes the
   * ResolveCustomer part of ConcurrentAgreementsInterceptor and WireExtras.
   */
  @Test
  void theServedSdkModelStillLacksLicenseArnAndMetadataOfResolveCustomer() {
    List<String> methods =
        Arrays.stream(ResolveCustomerResponse.Builder.class.getMethods())
            .map(Method::getName)
            .map(n -> n.toLowerCase(Locale.ROOT))
            .toList();
    assertThat(methods).contains("customerawsaccountid");
    assertThat(methods)
        .as("the upgraded AWS SDK model has ResolveCustomerResponse.licenseArn")
        .doesNotContain("licensearn");
    assertThat(methods)
        .as("the upgraded AWS SDK model has ResolveCustomerResponse.metadata")
        .doesNotContain("metadata");
  }
}
