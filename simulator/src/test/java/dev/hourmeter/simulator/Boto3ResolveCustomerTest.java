package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * boto3's ResolveCustomer against the simulator's agreements: its model (which has LicenseArn and
 * Metadata.AgreementId, unlike the Java SDK's 2.40.2) parses the simulator's answers and raises its
 * modeled InvalidTokenException / ExpiredTokenException; {@code
 * src/test/resources/boto3/resolve_customer.py} prints what boto3 answered, as JSON.
 */
class Boto3ResolveCustomerTest extends SimulatorTestBase {

  @Test
  void boto3ResolvesALicenseAndRaisesTheModeledTokenErrors() throws Exception {
    Path python = Boto3Python.require();
    Agreement expiring = sim.agreements().create(AgreementSpec.of("prod-legacy", "777788889999"));
    clock.advance(Duration.ofHours(3));
    Agreement concurrent =
        sim.agreements()
            .create(
                new AgreementSpec(
                    "prod-ca", ACCOUNT, List.of("requests"), List.of(), null, true, false));
    clock.advance(Duration.ofHours(1)); // the first token's 4 hours are over, not the second's

    ObjectNode config = HttpSupport.JSON.createObjectNode();
    config.put("endpoint", sim.endpoint().toString());
    config.put("accessKeyId", ACCESS_KEY);
    ObjectNode tokens = config.putObject("tokens");
    tokens.put("concurrent", concurrent.registrationToken());
    tokens.put("expired", expiring.registrationToken());
    tokens.put("invalid", "not-a-registration-token");
    Path script = Path.of(getClass().getResource("/boto3/resolve_customer.py").toURI());

    Boto3Python.Run run = Boto3Python.run(python, List.of(script.toString(), config.toString()));
    assertThat(run.exitCode()).as("python failed: %s", run.stderr()).isZero();
    JsonNode out = HttpSupport.JSON.readTree(run.stdout());

    assertThat(out.path("modelHasLicenseArn").asBoolean())
        .as("boto3 %s", out.path("boto3"))
        .isTrue();
    assertThat(out.path("modelHasMetadata").asBoolean()).isTrue();

    JsonNode answer = out.at("/concurrent/answer");
    assertThat(answer.path("CustomerAWSAccountId").asText()).isEqualTo(ACCOUNT);
    assertThat(answer.path("ProductCode").asText()).isEqualTo("prod-ca");
    assertThat(answer.path("LicenseArn").asText()).isEqualTo(concurrent.licenseArn());
    assertThat(answer.at("/Metadata/AgreementId").asText()).isEqualTo(concurrent.id());
    assertThat(answer.has("CustomerIdentifier")).isFalse();

    for (String name : List.of("expired", "invalid")) {
      JsonNode error = out.path(name);
      assertThat(error.path("httpStatus").asInt()).as(name).isEqualTo(400);
      assertThat(error.path("modeledException").asBoolean())
          .as("boto3 raised its modeled exception for %s", name)
          .isTrue();
    }
    assertThat(out.at("/expired/code").asText()).isEqualTo("ExpiredTokenException");
    assertThat(out.at("/invalid/code").asText()).isEqualTo("InvalidTokenException");
  }

  @Test
  void boto3ReadsALegacyAnswer() throws Exception {
    Path python = Boto3Python.require();
    Agreement legacy =
        sim.agreements().create(AgreementSpec.of("prod-legacy", "444455556666", "requests"));
    ObjectNode config = HttpSupport.JSON.createObjectNode();
    config.put("endpoint", sim.endpoint().toString());
    config.put("accessKeyId", ACCESS_KEY);
    config.putObject("tokens").put("legacy", legacy.registrationToken());
    Path script = Path.of(getClass().getResource("/boto3/resolve_customer.py").toURI());

    Boto3Python.Run run = Boto3Python.run(python, List.of(script.toString(), config.toString()));
    assertThat(run.exitCode()).as("python failed: %s", run.stderr()).isZero();
    JsonNode answer = HttpSupport.JSON.readTree(run.stdout()).at("/legacy/answer");

    assertThat(answer.path("CustomerIdentifier").asText()).isEqualTo(legacy.customerIdentifier());
    assertThat(answer.path("CustomerAWSAccountId").asText()).isEqualTo("444455556666");
    assertThat(answer.path("ProductCode").asText()).isEqualTo("prod-legacy");
    assertThat(answer.has("LicenseArn")).isFalse();
    assertThat(answer.has("Metadata")).isFalse();
  }
}
