package dev.hourmeter.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Agreement events published into a real local SQS (ElasticMQ over HTTP, SDK v2 client), the
 * simulator's event faults applied on the way, and a queue that cannot be reached.
 */
class SqsAgreementEventSinkTest {

  private EmbeddedSqs elasticMq;
  private URI endpoint;
  private SqsClient reader;
  private String queueUrl;
  private SqsAgreementEventSink sink;
  private MarketplaceSimulator sim;

  @BeforeEach
  void setUp() {
    elasticMq = EmbeddedSqs.startOnFreePort();
    endpoint = elasticMq.endpoint();
    reader = SqsAgreementEventSink.sqsClient(endpoint, "us-east-1");
    queueUrl = reader.createQueue(c -> c.queueName("lifecycle")).queueUrl();
  }

  @AfterEach
  void tearDown() {
    if (sim != null) {
      sim.close();
    }
    if (sink != null) {
      sink.close();
    }
    reader.close();
    elasticMq.close();
  }

  private void startSimulator(SqsAgreementEventSink eventSink) {
    sink = eventSink;
    sim = MarketplaceSimulator.builder().eventSink(sink).build().start();
  }

  @Test
  void everyLifecycleMessageLandsInTheQueueWithTheFaultsApplied() {
    startSimulator(SqsAgreementEventSink.create(endpoint, queueUrl, "us-east-1"));
    Agreement concurrent =
        sim.agreements()
            .create(
                new AgreementSpec(
                    "prod-ca", "111122223333", List.of("requests"), null, null, true, false));
    sim.agreements().create(AgreementSpec.of("prod-legacy", "444455556666", "requests"));
    assertThat(bodies(2)).containsExactlyElementsOf(sink.delivered().messages());

    sim.setFaults(
        FaultSpec.builder()
            .duplicateEventsNext(1)
            .malformedEventsNext(1)
            .reorderEventsNext(1)
            .build());
    sim.agreements().amend(concurrent.id(), List.of()); // malformed + duplicate, held back
    sim.agreements().end(concurrent.id()); // delivered, then the held amendment
    List<String> faulted = bodies(4);
    assertThat(faulted)
        .hasSize(4)
        .containsExactlyInAnyOrderElementsOf(sink.delivered().messages().subList(2, 6));
    assertThat(faulted.stream().filter(b -> !isJson(b))).hasSize(1);
    List<String> detailTypes =
        faulted.stream()
            .filter(SqsAgreementEventSinkTest::isJson)
            .map(b -> json(b).get("detail-type").asText())
            .toList();
    assertThat(detailTypes)
        .containsExactlyInAnyOrder(
            "Purchase Agreement Ended - Manufacturer",
            "License Updated - Manufacturer",
            "License Updated - Manufacturer");
    assertThat(sink.failed()).isEmpty();

    HttpSupport.Reply inspected = HttpSupport.send(sim, "GET", "/_sim/agreement-events", null);
    assertThat(inspected.status()).isEqualTo(200);
    assertThat(inspected.body().get("messages")).hasSize(6);
    assertThat(inspected.body().get("queueUrl").asText()).isEqualTo(queueUrl);
    assertThat(inspected.body().get("failed")).isEmpty();
  }

  @Test
  void anUnreachableQueueIsRetriedThenTheEventIsKeptAsFailed() throws IOException {
    URI nobody = URI.create("http://127.0.0.1:" + freePort());
    startSimulator(
        new SqsAgreementEventSink(
            SqsAgreementEventSink.sqsClient(nobody, "us-east-1"),
            nobody + "/000000000000/lifecycle",
            3,
            Duration.ofMillis(20)));
    long began = System.nanoTime();
    Agreement agreement =
        sim.agreements().create(AgreementSpec.of("prod-legacy", "111122223333", "requests"));
    assertThat(Duration.ofNanos(System.nanoTime() - began))
        .as("two backoffs of 20 and 40 ms")
        .isGreaterThanOrEqualTo(Duration.ofMillis(60));

    assertThat(sink.failed()).hasSize(1);
    String body = sink.failed().get(0);
    assertThat(json(json(body).get("Message").asText()).get("customer-identifier").asText())
        .isEqualTo(agreement.customerIdentifier());
    assertThat(sink.delivered().messages()).containsExactly(body);
    assertThat(SqsAgreementEventSink.eventId(body)).isEqualTo(json(body).get("MessageId").asText());
    HttpSupport.Reply inspected = HttpSupport.send(sim, "GET", "/_sim/agreement-events", null);
    assertThat(inspected.body().get("failed")).hasSize(1);
    assertThat(HttpSupport.send(sim, "DELETE", "/_sim/agreement-events", null).status())
        .isEqualTo(200);
    assertThat(sink.failed()).isEmpty();
    assertThat(sink.delivered().messages()).isEmpty();
  }

  @Test
  void theEventIdOfEveryFormatIsFoundForTheLog() {
    String eventBridge = "{\"version\":\"0\",\"id\":\"3f1a-event\",\"detail-type\":\"x\"}";
    assertThat(SqsAgreementEventSink.eventId(eventBridge)).isEqualTo("3f1a-event");
    assertThat(SqsAgreementEventSink.eventId(AgreementEvents.malformed(eventBridge + eventBridge)))
        .isEqualTo("3f1a-event");
    assertThat(SqsAgreementEventSink.eventId("{\"Type\":\"Notification\",\"MessageId\":\"m-1\"}"))
        .isEqualTo("m-1");
    assertThat(SqsAgreementEventSink.eventId("not json")).isEqualTo("(no id)");
  }

  /** Receives until {@code expected} messages came (or 10 s passed), deleting them. */
  private List<String> bodies(int expected) {
    List<String> bodies = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (bodies.size() < expected && System.nanoTime() < deadline) {
      List<Message> messages =
          reader
              .receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      for (Message m : messages) {
        bodies.add(m.body());
        reader.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
      }
    }
    return bodies;
  }

  private static boolean isJson(String body) {
    try {
      HttpSupport.JSON.readTree(body);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static JsonNode json(String body) {
    try {
      return HttpSupport.JSON.readTree(body);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
