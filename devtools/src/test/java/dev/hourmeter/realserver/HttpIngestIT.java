package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hourmeter.devtools.DevStackFixture;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.TaskQueues;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringCounters;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import io.temporal.client.WorkflowClient;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ingest API end to end on the real Temporal dev server (dev's stack: simulator, worker,
 * ingest API): 8 concurrent clients post usage events over HTTP, 5% of them sent again (duplicates)
 * and 1% invalid (an unknown dimension, refused by the workflow's validator; a quantity sent as a
 * string, refused by the parser). Every valid id must be answered ACCEPTED exactly once and
 * DUPLICATE otherwise, every invalid one REFUSED with its reason, and the simulator's ledger must
 * equal the accepted events exactly. Unauthenticated and oversized requests are refused without
 * reaching any workflow. Logs the throughput figures of docs/benchmarks.md.
 */
class HttpIngestIT {

  private static final Logger log = LoggerFactory.getLogger(HttpIngestIT.class);
  private static final String PRODUCT = "hourmeter-demo";
  private static final Duration PERIOD = Duration.ofSeconds(10);
  private static final int CLIENTS = 8;
  private static final int CUSTOMERS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aboutFiveHundredEventsFromEightClientsAreBilledExactly() throws Exception {
    run(504, 21);
  }

  @Test
  @Tag("soak")
  void tenThousandEventsFromEightClientsAreBilledExactly() throws Exception {
    run(10_000, 100);
  }

  /** What one client sent and was answered. */
  private record Sent(String id, String customer, long quantity, boolean valid) {}

  private void run(int total, int batchSize) throws Exception {
    Path temporal = TemporalDevServer.requireBinary();
    try (DevStackFixture dev = DevStackFixture.start(temporal, 0, PERIOD)) {
      List<String> customers = new ArrayList<>();
      for (int c = 0; c < CUSTOMERS; c++) {
        customers.add("http-cust-" + c);
        start(dev.client(), customers.get(c));
      }
      HttpClient http = HttpClient.newHttpClient();
      refusedWithoutWork(dev, http, customers);

      Map<String, Sent> validById = new ConcurrentHashMap<>();
      Map<String, List<String>> answers = new ConcurrentHashMap<>();
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger updates = new AtomicInteger();
      AtomicInteger invalidAnswered = new AtomicInteger();
      AtomicInteger invalidSent = new AtomicInteger();
      long cpuBefore = cpuNanos();
      long started = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> clients = new ArrayList<>();
      for (int k = 0; k < CLIENTS; k++) {
        int client = k;
        clients.add(
            pool.submit(
                () -> {
                  post(
                      dev,
                      http,
                      client,
                      total / CLIENTS,
                      batchSize,
                      customers,
                      validById,
                      answers,
                      latencies,
                      updates,
                      invalidSent,
                      invalidAnswered);
                  return null;
                }));
      }
      for (Future<?> f : clients) {
        f.get();
      }
      pool.shutdown();
      double seconds = (System.nanoTime() - started) / 1e9;
      long cpu = cpuNanos() - cpuBefore;

      // Each valid id ACCEPTED once, DUPLICATE otherwise; every invalid event refused with reason.
      validById.forEach(
          (id, sent) ->
              assertThat(answers.get(id))
                  .as(id)
                  .containsOnlyOnce("ACCEPTED")
                  .allMatch(s -> s.equals("ACCEPTED") || s.equals("DUPLICATE")));
      assertThat(invalidAnswered.get()).isEqualTo(invalidSent.get()).isPositive();
      long sentCount = answers.values().stream().mapToLong(List::size).sum();
      assertThat(sentCount).isEqualTo((long) (total / CLIENTS) * CLIENTS);

      Map<String, Long> expected = new HashMap<>();
      validById.values().forEach(s -> expected.merge(s.customer(), s.quantity(), Long::sum));
      awaitLedger(dev, customers, expected, Duration.ofMinutes(3));
      Thread.sleep(PERIOD.multipliedBy(2).toMillis()); // nothing more may be billed later
      for (String customer : customers) {
        assertThat(billed(dev, customer))
            .as(customer)
            .isEqualTo(expected.getOrDefault(customer, 0L));
      }

      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      log.info(
          "HTTP ingest: {} events in {} requests by {} clients in {} s: {} events/s; request"
              + " latency p50 {} ms, p99 {} ms; CPU (worker JVM + Temporal dev server) {} ms per"
              + " 1,000 events; {} updates = {} Temporal actions per event",
          sentCount,
          sorted.size(),
          CLIENTS,
          String.format("%.1f", seconds),
          String.format("%.0f", sentCount / seconds),
          sorted.get(sorted.size() / 2) / 1_000_000,
          sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1_000_000,
          cpu / 1_000_000 * 1000 / sentCount,
          updates.get(),
          String.format("%.3f", updates.get() / (double) sentCount));
    }
  }

  private static void post(
      DevStackFixture dev,
      HttpClient http,
      int client,
      int count,
      int batchSize,
      List<String> customers,
      Map<String, Sent> validById,
      Map<String, List<String>> answers,
      List<Long> latencies,
      AtomicInteger updates,
      AtomicInteger invalidSent,
      AtomicInteger invalidAnswered)
      throws Exception {
    Random random = new Random(client);
    List<Sent> mine = new ArrayList<>();
    int n = 0;
    while (n < count) {
      List<Sent> batch = new ArrayList<>();
      ArrayNode events = JSON.createArrayNode();
      Set<String> batchCustomers = new HashSet<>();
      for (int i = 0; i < batchSize && n < count; i++, n++) {
        double dice = random.nextDouble();
        Sent sent;
        ObjectNode event = events.addObject();
        if (dice < 0.05 && !mine.isEmpty()) {
          sent = mine.get(random.nextInt(mine.size())); // a duplicate: same id, same usage
        } else {
          String customer = customers.get(random.nextInt(customers.size()));
          sent = new Sent("c" + client + "-e" + n, customer, 1 + random.nextInt(9), dice >= 0.06);
          if (sent.valid()) {
            mine.add(sent);
          }
        }
        event
            .put("id", sent.id())
            .put("product", PRODUCT)
            .put("customer", sent.customer())
            .put("dimension", sent.valid() || dice < 0.055 ? "requests" : "bogus-dimension");
        if (!sent.valid() && dice < 0.055) {
          event.put("quantity", Long.toString(sent.quantity())); // a string: refused
        } else {
          event.put("quantity", sent.quantity());
        }
        if (sent.valid()) {
          validById.putIfAbsent(sent.id(), sent);
          batchCustomers.add(sent.customer());
        } else {
          invalidSent.incrementAndGet();
          if (dice >= 0.055) {
            batchCustomers.add(sent.customer());
          }
        }
        batch.add(sent);
      }
      ObjectNode body = JSON.createObjectNode();
      body.set("events", events);
      JsonNode answer = send(dev, http, JSON.writeValueAsString(body), latencies);
      updates.addAndGet(batchCustomers.size());
      for (int i = 0; i < batch.size(); i++) {
        Sent sent = batch.get(i);
        JsonNode outcome = answer.get("events").get(i);
        assertThat(outcome.get("id").asText()).isEqualTo(sent.id());
        String status = outcome.get("status").asText();
        answers
            .computeIfAbsent(sent.id(), k -> Collections.synchronizedList(new ArrayList<>()))
            .add(sent.valid() ? status : "INVALID");
        if (!sent.valid()) {
          assertThat(status).as(sent.id()).isEqualTo("REFUSED");
          assertThat(outcome.get("retryable").asBoolean()).isFalse();
          assertThat(outcome.get("reason").asText())
              .as(sent.id())
              .containsAnyOf("quantity: must be a number", "dimension");
          invalidAnswered.incrementAndGet();
        } else {
          assertThat(status).as(sent.id() + ": " + outcome).isIn("ACCEPTED", "DUPLICATE");
        }
      }
    }
  }

  private static JsonNode send(
      DevStackFixture dev, HttpClient http, String body, List<Long> latencies) throws Exception {
    for (int attempt = 0; ; attempt++) {
      long begin = System.nanoTime();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(dev.ingestUrl())
                  .header("Authorization", "Bearer " + DevStackFixture.INGEST_TOKEN)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if ((response.statusCode() == 429 || response.statusCode() == 503) && attempt < 50) {
        Thread.sleep(200);
        continue;
      }
      latencies.add(System.nanoTime() - begin);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    }
  }

  /** No token, a wrong one, an oversized body: refused, and no workflow saw anything. */
  private static void refusedWithoutWork(
      DevStackFixture dev, HttpClient http, List<String> customers) throws Exception {
    String one =
        "{\"events\":[{\"id\":\"x-1\",\"product\":\""
            + PRODUCT
            + "\",\"customer\":\""
            + customers.get(0)
            + "\",\"dimension\":\"requests\",\"quantity\":1}]}";
    HttpRequest.Builder base =
        HttpRequest.newBuilder(dev.ingestUrl()).header("Content-Type", "application/json");
    assertThat(
            http.send(
                    base.copy().POST(HttpRequest.BodyPublishers.ofString(one)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(401);
    assertThat(
            http.send(
                    base.copy()
                        .header("Authorization", "Bearer not-the-token-0123456789")
                        .POST(HttpRequest.BodyPublishers.ofString(one))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(401);
    byte[] big = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    assertThat(
            http.send(
                    base.copy()
                        .header("Authorization", "Bearer " + DevStackFixture.INGEST_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(413);
    MeteringCounters counters = counters(dev, customers.get(0));
    assertThat(
            counters.reportsAccepted() + counters.duplicateReports() + counters.rejectedReports())
        .isZero();
  }

  private static void start(WorkflowClient client, String customer) {
    MeteringSubscription subscription =
        new MeteringSubscription(
            PRODUCT,
            CustomerId.parse(customer),
            List.of("requests"),
            PricingModel.SUBSCRIPTION,
            PERIOD,
            MeteringTuning.builder(PERIOD).verifyDelay(Duration.ZERO).build());
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class,
            MeteringOptions.customerWorkflow(TaskQueues.METERING, subscription));
    WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
  }

  private static MeteringCounters counters(DevStackFixture dev, String customer) {
    return dev.client()
        .newWorkflowStub(
            CustomerMeteringWorkflow.class, MeteringWorkflowIds.forCustomer(PRODUCT, customer))
        .status()
        .counters();
  }

  private static long billed(DevStackFixture dev, String customer) {
    return dev.simulator().ledger(PRODUCT, customer).stream()
        .filter(e -> e.dimension().equals("requests"))
        .mapToLong(LedgerEntry::quantity)
        .sum();
  }

  private static void awaitLedger(
      DevStackFixture dev, List<String> customers, Map<String, Long> expected, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      boolean all = true;
      for (String customer : customers) {
        all &= billed(dev, customer) >= expected.getOrDefault(customer, 0L);
      }
      if (all) {
        return;
      }
      Thread.sleep(500);
    }
  }

  /** CPU time of this JVM (worker, ingest API, clients) and its children (the Temporal server). */
  private static long cpuNanos() {
    long own =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    long children =
        ProcessHandle.current()
            .descendants()
            .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
            .sum();
    return own + children;
  }
}
