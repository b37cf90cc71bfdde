package dev.hourmeter.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

  @Test
  void defaultsToUsEast1TheDefaultChainAndAwsEndpoints() {
    AwsSettings s = AwsSettings.fromEnvironment(Map.of());
    assertThat(s.region()).isEqualTo("us-east-1");
    assertThat(s.meteringEndpoint()).isNull();
    assertThat(s.entitlementEndpoint()).isNull();
    assertThat(s.cloudTrailEndpoint()).isNull();
    assertThat(s.credentials()).isEqualTo(AwsSettings.Credentials.DEFAULT_CHAIN);
    assertThat(s.connectTimeout()).isEqualTo(AwsSettings.DEFAULT_CONNECT_TIMEOUT);
    assertThat(s.readTimeout()).isEqualTo(AwsSettings.DEFAULT_READ_TIMEOUT);
  }

  @Test
  void readsRegionAndEndpointOverrides() {
    AwsSettings s =
        AwsSettings.fromEnvironment(
            Map.of(
                "AWS_REGION", "eu-west-1",
                "HOURMETER_METERING_ENDPOINT", "http://localhost:4599",
                "HOURMETER_ENTITLEMENT_ENDPOINT", " https://entitlement.example:8443 ",
                "HOURMETER_CLOUDTRAIL_ENDPOINT", ""));
    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(s.meteringEndpoint()).isEqualTo(URI.create("http://localhost:4599"));
    assertThat(s.entitlementEndpoint()).isEqualTo(URI.create("https://entitlement.example:8443"));
    assertThat(s.cloudTrailEndpoint()).isNull();
  }

  @Test
  void entitlementRegionIsUsEast1UnlessTheEndpointIsOverridden() {
    assertThat(AwsSettings.forRegion("eu-west-1").entitlementRegion()).isEqualTo("us-east-1");
    AwsSettings overridden =
        AwsSettings.fromEnvironment(
            Map.of(
                "AWS_REGION", "eu-west-1", "HOURMETER_ENTITLEMENT_ENDPOINT", "http://localhost:1"));
    assertThat(overridden.entitlementRegion()).isEqualTo("eu-west-1");
  }

  @Test
  void badEndpointNamesTheVariable() {
    assertThatThrownBy(
            () ->
                AwsSettings.fromEnvironment(
                    Map.of("HOURMETER_METERING_ENDPOINT", "http://bad host")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HOURMETER_METERING_ENDPOINT");
    assertThatThrownBy(
            () ->
                AwsSettings.fromEnvironment(
                    Map.of("HOURMETER_CLOUDTRAIL_ENDPOINT", "localhost:4599")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HOURMETER_CLOUDTRAIL_ENDPOINT");
    assertThatThrownBy(
            () -> AwsSettings.fromEnvironment(Map.of("HOURMETER_ENTITLEMENT_ENDPOINT", "ftp://x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HOURMETER_ENTITLEMENT_ENDPOINT");
  }

  @Test
  void forSimulatorPointsEverythingAtItWithDummyCredentials() {
    URI sim = URI.create("http://127.0.0.1:4599");
    AwsSettings s = AwsSettings.forSimulator(sim);
    assertThat(s.region()).isEqualTo("us-east-1");
    assertThat(s.meteringEndpoint()).isEqualTo(sim);
    assertThat(s.entitlementEndpoint()).isEqualTo(sim);
    assertThat(s.cloudTrailEndpoint()).isEqualTo(sim);
    assertThat(s.credentials()).isEqualTo(AwsSettings.Credentials.SIMULATOR_DUMMY);
    assertThat(s.toString()).doesNotContain(AwsClients.SIMULATOR_SECRET_KEY);
  }

  @Test
  void timeoutsMustBePositive() {
    AwsSettings s = AwsSettings.forRegion("us-east-1");
    assertThat(s.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)).readTimeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThatThrownBy(() -> s.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout");
  }
}
