package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * boto3's DescribeAgreement (service {@code marketplace-agreement}, whose current model also has
 * {@code initialAgreementId}) against a renewed, a renewing, a cancelled and an unknown agreement;
 * {@code src/test/resources/boto3/describe_agreement.py} prints what boto3 answered, as JSON. The
 * model lists {@code smithy-rpc-v2-cbor} before {@code json}; botocore prefers {@code json}, which
 * the simulator speaks.
 */
class Boto3DescribeAgreementTest extends SimulatorTestBase {

  @Test
  void boto3ReadsTheStatusOfRenewedCancelledAndActiveAgreements() throws Exception {
    Path python = Boto3Python.require();
    Agreement first =
        sim.agreements()
            .create(
                new AgreementSpec(
                    "prod-ca", ACCOUNT, List.of("requests"), List.of(), null, true, false));
    clock.advance(Duration.ofMinutes(10));
    SimulatorAgreements.Succession renewal = sim.agreements().renew(first.id());
    Agreement cancelled =
        sim.agreements()
            .end(sim.agreements().create(AgreementSpec.of("prod-ca", "444455556666")).id());

    ObjectNode config = HttpSupport.JSON.createObjectNode();
    config.put("endpoint", sim.endpoint().toString());
    config.put("accessKeyId", ACCESS_KEY);
    ObjectNode ids = config.putObject("agreements");
    ids.put("renewed", first.id());
    ids.put("successor", renewal.successor().id());
    ids.put("cancelled", cancelled.id());
    ids.put("unknown", "agmt-unknown");
    Path script = Path.of(getClass().getResource("/boto3/describe_agreement.py").toURI());

    Boto3Python.Run run = Boto3Python.run(python, List.of(script.toString(), config.toString()));
    assertThat(run.exitCode()).as("python failed: %s", run.stderr()).isZero();
    JsonNode out = HttpSupport.JSON.readTree(run.stdout());

    assertThat(out.path("protocol").asText())
        .as("botocore %s", out.path("botocore"))
        .isEqualTo("json");
    assertThat(out.path("statuses").toString()).contains("RENEWED", "REPLACED", "CANCELLED");
    JsonNode renewed = out.path("renewed");
    assertThat(renewed.path("agreementId").asText()).isEqualTo(first.id());
    assertThat(renewed.path("status").asText()).isEqualTo("RENEWED");
    assertThat(renewed.path("acceptor").asText()).isEqualTo(ACCOUNT);
    assertThat(renewed.path("proposer").asText()).isEqualTo("123456789012");
    assertThat(renewed.path("startTime").asText()).isEqualTo("2026-11-26T10:30:00+00:00");
    assertThat(renewed.path("endTime").asText()).isEqualTo("2026-11-26T10:40:00+00:00");
    assertThat(renewed.path("agreementType").asText()).isEqualTo("PurchaseAgreement");
    assertThat(renewed.path("offerId").asText()).isEqualTo(first.offerId());
    JsonNode successor = out.path("successor");
    assertThat(successor.path("status").asText()).isEqualTo("ACTIVE");
    assertThat(successor.path("initialAgreementId").asText()).isEqualTo(first.id());
    assertThat(successor.path("endTime").isNull()).isTrue();
    assertThat(out.at("/cancelled/status").asText()).isEqualTo("CANCELLED");
    assertThat(out.at("/unknown/code").asText()).isEqualTo("ResourceNotFoundException");
    assertThat(out.at("/unknown/httpStatus").asInt()).isEqualTo(404);
    assertThat(out.at("/unknown/modeledException").asBoolean()).isTrue();
  }
}
