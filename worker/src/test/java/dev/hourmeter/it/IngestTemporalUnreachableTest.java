package dev.hourmeter.it;

import static dev.hourmeter.it.TestCustomers.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hourmeter.client.TemporalConnection;
import dev.hourmeter.client.TemporalConnectionSettings;
import dev.hourmeter.client.usage.UsageReporter;
import dev.hourmeter.worker.ingest.IngestServer;
import dev.hourmeter.worker.ingest.IngestSettings;
import dev.hourmeter.worker.ingest.IngestTokens;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest API with the real {@link UsageReporter} over a real Temporal connection whose server
 * cannot be reached (nothing listens on its port): the request is answered 503 with Retry-After
 * within about the connection's rpc timeout, every event refused as retryable, and nothing is lost:
 * once the port answers (a forwarder to the time-skipping test server, where the customer's
 * workflow runs), the same request is accepted and billed once.
 */
class IngestTemporalUnreachableTest {

  private static final Logger log = LoggerFactory.getLogger(IngestTemporalUnreachableTest.class);
  private static final String PRODUCT = "prod-unreachable";
  private static final String TOKEN = "unreachable-token-0123456789";
  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MeteringTestEnvironment env =
      new MeteringTestEnvironment(new InMemoryUsageSource());
  private final TestCustomers customers = new TestCustomers(env, PRODUCT);
  private final HttpClient http = HttpClient.newHttpClient();
  private TemporalConnection connection;
  private IngestServer ingest;
  private GrpcForwarder forwarder;

  @AfterEach
  void tearDown() {
    if (ingest != null) {
      ingest.close();
    }
    if (connection != null) {
      connection.close();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    env.close();
  }

  @Test
  void temporalDownIsAnswered503WithinTheRpcTimeoutAndTheRetryIsBilledOnce() throws Exception {
    MeteringSubscription subscription = customers.subscribed("cust-down", "requests");
    env.start(subscription);
    env.sleepUntil(at(0, 30));

    int port = freePort();
    forwarder = GrpcForwarder.start(port, env.temporal.getWorkflowServiceStubs().getRawChannel());
    connection =
        TemporalConnection.builder(
                TemporalConnectionSettings.local(
                    "127.0.0.1:" + port,
                    env.client.getOptions().getNamespace(),
                    TaskQueues.METERING))
            .rpcTimeout(RPC_TIMEOUT)
            .open();
    ingest =
        IngestServer.start(
            IngestSettings.plain("127.0.0.1", 0, IngestTokens.parse(TOKEN, "test")),
            new UsageReporter(connection.client()),
            new SimpleMeterRegistry());
    // A connection in use (the server's capabilities known), as a running worker's is.
    HttpResponse<String> before = post("[" + event("up-1", "1") + "]");
    assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
    assertThat(JSON.readTree(before.body()).get("accepted").asInt()).isEqualTo(1);

    // Temporal goes away: nothing listens on its port any more.
    forwarder.close();
    String body =
        "{\"events\": ["
            + event("down-1", "5")
            + ","
            + event("down-2", "3")
            + ","
            + event("down-3", "0.5")
            + "]}";
    long started = System.nanoTime();
    HttpResponse<String> down = post(body);
    Duration toAnswer = Duration.ofNanos(System.nanoTime() - started);
    log.info("Temporal unreachable: answered {} in {} ms", down.statusCode(), toAnswer.toMillis());
    assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
    assertThat(down.headers().firstValue("Retry-After")).hasValue("5");
    JsonNode refused = JSON.readTree(down.body());
    assertThat(refused.get("refused").asInt()).isEqualTo(3);
    assertThat(refused.get("events"))
        .allSatisfy(
            e -> {
              assertThat(e.get("status").asText()).isEqualTo("REFUSED");
              assertThat(e.get("code").asText()).isEqualTo("unavailable");
              assertThat(e.get("retryable").asBoolean()).isTrue();
            });
    // Bounded by the connection's rpc timeout (plus slack for a loaded machine), not by the SDK's
    // 60 s wait for an update.
    assertThat(toAnswer).isLessThan(RPC_TIMEOUT.plusSeconds(3));

    // Temporal reachable again: the same request, sent again, is accepted.
    forwarder = GrpcForwarder.start(port, env.temporal.getWorkflowServiceStubs().getRawChannel());
    long reachable = System.nanoTime();
    HttpResponse<String> retried = null;
    int attempts = 0;
    while (System.nanoTime() - reachable < Duration.ofSeconds(30).toNanos()) {
      attempts++;
      retried = post(body);
      if (retried.statusCode() != 503) {
        break;
      }
      Thread.sleep(200);
    }
    log.info(
        "Temporal reachable again: answered {} after {} attempt(s), {} ms",
        retried.statusCode(),
        attempts,
        Duration.ofNanos(System.nanoTime() - reachable).toMillis());
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
    JsonNode accepted = JSON.readTree(retried.body());
    assertThat(accepted.get("accepted").asInt()).as(retried.body()).isEqualTo(3);
    JsonNode again = JSON.readTree(post(body).body());
    assertThat(again.get("duplicate").asInt()).isEqualTo(3);

    env.sleepUntil(at(1, 10));
    assertThat(env.ledger(PRODUCT, "cust-down"))
        .singleElement()
        .satisfies(e -> assertThat(e.quantityAsDecimal()).isEqualByComparingTo("9.5"));
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(ingest.usageUrl())
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String event(String id, String quantity) {
    return "{\"id\": \""
        + id
        + "\", \"product\": \""
        + PRODUCT
        + "\", \"customer\": \"cust-down\", \"dimension\": \"requests\", \"quantity\": "
        + new BigDecimal(quantity).toPlainString()
        + "}";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
