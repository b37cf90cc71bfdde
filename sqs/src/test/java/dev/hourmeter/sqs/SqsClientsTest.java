package dev.hourmeter.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class SqsClientsTest {

  @Test
  void aLocalEndpointIsUsedInTheGivenRegion() {
    URI endpoint = URI.create("http://127.0.0.1:9324");
    try (SqsClient sqs = SqsClients.create("eu-west-1", endpoint)) {
      assertThat(sqs.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
      assertThat(sqs.serviceClientConfiguration().endpointOverride()).contains(endpoint);
    }
  }

  @Test
  void withoutAnEndpointItIsAwsSqs() {
    try (SqsClient sqs = SqsClients.create("us-east-1", null)) {
      assertThat(sqs.serviceClientConfiguration().endpointOverride()).isEmpty();
    }
  }

  @Test
  void aProcessWithoutCredentialsStillGetsSomeForALocalEndpoint() {
    assertThat(SqsClients.localCredentials().resolveCredentials()).isNotNull();
  }
}
