package dev.hourmeter.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

  @Test
  void defaultsToUsEast1TheDefaultChainAndAwsEndpoints() {
    AwsSettings s = new AwsSettings(" ", null, null, null, null, null, null);
    assertThat(s.region()).isEqualTo("us-east-1");
    assertThat(s.meteringEndpoint()).isNull();
    assertThat(s.entitlementEndpoint()).isNull();
    assertThat(s.cloudTrailEndpoint()).isNull();
    assertThat(s.credentials()).isEqualTo(AwsSettings.Credentials.DEFAULT_CHAIN);
    assertThat(s.connectTimeout()).isEqualTo(AwsSettings.DEFAULT_CONNECT_TIMEOUT);
    assertThat(s.readTimeout()).isEqualTo(AwsSettings.DEFAULT_READ_TIMEOUT);
    assertThat(AwsSettings.forRegion(" eu-west-1 ").region()).isEqualTo("eu-west-1");
  }

  @Test
  void entitlementRegionIsUsEast1UnlessTheEndpointIsOverridden() {
    assertThat(AwsSettings.forRegion("eu-west-1").entitlementRegion()).isEqualTo("us-east-1");
    AwsSettings overridden =
        new AwsSettings(
            "eu-west-1",
            null,
            URI.create("http://localhost:1"),
            null,
            AwsSettings.Credentials.DEFAULT_CHAIN,
            null,
            null);
    assertThat(overridden.entitlementRegion()).isEqualTo("eu-west-1");
  }

  @Test
  void theSimulatorEndpointMustBeAnAbsoluteHttpUri() {
    assertThatThrownBy(() -> AwsSettings.forSimulator(URI.create("localhost:4599")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("simulator endpoint");
    assertThatThrownBy(() -> AwsSettings.forSimulator(URI.create("ftp://x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("simulator endpoint");
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
