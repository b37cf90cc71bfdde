package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.state.PeriodCalendar;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ingest API across a worker crash, with real processes: the worker runs as operators run
 * it ({@code java -jar hourmeter-worker.jar worker --ingest}) against the real Temporal dev server
 * and the simulator, while concurrent HTTP clients post usage events (unique ids, some sent again,
 * some invalid, some reusing an id with other usage). Mid-stream, just after a period boundary, the
 * worker is killed with SIGKILL and a new one started on the same ingest port; the clients do what
 * a real client does: a request that failed at the connection level or was answered 429/5xx is sent
 * again with the same ids, and so is each event refused as retryable. Once the customers are
 * unsubscribed (their last period closed and submitted), the simulator's ledger must hold every
 * event ever answered ACCEPTED or DUPLICATE exactly once (per customer and dimension, the sum of
 * the accepted ids' quantities), one record per dimension and period, and nothing refused.
 */
@Tag("soak")
class HttpIngestCrashIT {

  private static final Logger log = LoggerFactory.getLogger(HttpIngestCrashIT.class);
  private static final Duration PERIOD = Duration.ofSeconds(20);
  private static final String PRODUCT = "prod-ingest-crash";
  private static final String QUEUE = "hourmeter-ingest-crash-it";

  /**
   * Sixteen customers: on a quiet machine the clients post over 15,000 events before the kill, and
   * four customers would each fill their dedup memory (4,096 ids within 24 periods), which refuses
   * further events as retryable (memory_full) until ids age out: correct, but not what this test is
   * about. A clean CI run of the four-customer version failed that way.
   */
  private static final List<String> CUSTOMERS =
      IntStream.rangeClosed(1, 16).mapToObj(i -> "ingest-cust-" + i).toList();

  private static final List<String> DIMENSIONS = List.of("requests", "storage");
  private static final int CLIENTS = 6;
  private static final int BATCH = 20;
  private static final Path WORK = Path.of("target", "ingest-crash-it").toAbsolutePath();
  private static final String TOKEN = "ingest-crash-" + UUID.randomUUID();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What an event is meant to test. */
  private enum Kind {
    /** A fresh id: ACCEPTED (or DUPLICATE when an attempt whose answer was lost was applied). */
    NEW,
    /** An id already answered, sent again with the same usage: DUPLICATE. */
    AGAIN,
    /** An unknown dimension or a negative quantity: REFUSED, not billed. */
    INVALID,
    /** An id already answered, sent again with another quantity: REFUSED (conflict). */
    CONFLICT
  }

  private record Event(
      String id, String customer, String dimension, long quantity, String timestamp, Kind kind) {}

  private record Answer(String status, Instant at) {}

  /** A request that failed at the connection level: when it was sent and what it held. */
  private record Failure(Instant sent, Instant failed, List<String> ids, String error) {}

  /** A request answered 200. */
  private record Answered(Instant sent, Instant answered) {
    long millis() {
      return Duration.between(sent, answered).toMillis();
    }
  }

  private final PeriodCalendar calendar = new PeriodCalendar(PERIOD);
  private final Map<String, Event> fresh = new ConcurrentHashMap<>();
  private final Map<String, List<Answer>> answers = new ConcurrentHashMap<>();

  /** Ids of which some attempt went unanswered (connection failure, 5xx, retryable refusal). */
  private final Set<String> unanswered = ConcurrentHashMap.newKeySet();

  private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
  private final List<Answered> answeredRequests = Collections.synchronizedList(new ArrayList<>());
  private final Map<Kind, AtomicInteger> posted = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicInteger> retriedStatuses = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger retryableRefusals = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  @Test
  void nothingAnsweredAcceptedIsLostWhenTheWorkerIsKilledMidStream() throws Exception {
    long begin = System.nanoTime();
    Files.createDirectories(WORK);
    int port = freePort();
    URI base = URI.create("http://127.0.0.1:" + port + "/");
    List<String> ingestArgs = List.of("--ingest", "--ingest-port", Integer.toString(port));
    Map<String, String> ingestEnv = Map.of("HOURMETER_INGEST_TOKENS", TOKEN);
    try (TemporalCliDevServer server = TemporalDevServer.create(WORK, false);
        MarketplaceSimulator simulator =
            MarketplaceSimulator.builder().port(0).period(PERIOD).autoSubscribe(true).build()) {
      simulator.start();
      server.start();
      WorkerProcess worker =
          WorkerProcess.start(
              server.address(),
              QUEUE,
              simulator.endpoint(),
              WORK.resolve("worker-1.log"),
              ingestArgs,
              ingestEnv);
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
      WorkflowClient client =
          WorkflowClient.newInstance(
              service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        CUSTOMERS.forEach(customer -> start(client, customer));
        HttpClient http =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        awaitHealthy(http, base);
        Instant streamStarted = Instant.now();

        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> clients = new ArrayList<>();
        for (int k = 0; k < CLIENTS; k++) {
          int number = k;
          clients.add(
              pool.submit(
                  () -> {
                    client(number, http, base.resolve("v1/usage"), stop);
                    return null;
                  }));
        }

        // Kill 2 s after a period boundary (the period just ended is being closed and submitted),
        // at least 8 s into the stream.
        Instant killAt =
            calendar.next(calendar.periodStartOf(streamStarted.plusSeconds(6))).plusSeconds(2);
        sleepUntil(killAt);
        worker.kill();
        Instant killed = Instant.now();
        long acceptedBeforeKill = acceptedBetween(Instant.MIN, killed);
        log.info("worker killed at {} ({} ACCEPTED answers before)", killed, acceptedBeforeKill);
        worker =
            WorkerProcess.start(
                server.address(),
                QUEUE,
                simulator.endpoint(),
                WORK.resolve("worker-2.log"),
                ingestArgs,
                ingestEnv);
        Instant back = awaitHealthy(http, base);
        log.info("ingest API back at {}", back);
        // Stream on into the new worker until it has accepted a good share (customers whose
        // workflow task sat on the dead worker's sticky queue wait for its schedule-to-start
        // timeout).
        Instant streamDeadline = back.plusSeconds(90);
        while (acceptedBetween(killed, Instant.MAX) < 2000
            && Instant.now().isBefore(streamDeadline)) {
          Thread.sleep(200);
        }
        stop.set(true);
        for (Future<?> f : clients) {
          f.get(3, TimeUnit.MINUTES);
        }
        Instant streamEnded = Instant.now();

        // The last period closes and is submitted when the customer is unsubscribed.
        for (String customer : CUSTOMERS) {
          stub(client, customer).unsubscribe();
        }
        for (String customer : CUSTOMERS) {
          WorkflowStub.fromTyped(stub(client, customer))
              .getResult(150, TimeUnit.SECONDS, Void.class);
        }

        // Every valid id answered; ACCEPTED at most once, and only DUPLICATE when an attempt of it
        // went unanswered (that attempt was applied, its answer lost).
        assertThat(answers.keySet()).isEqualTo(fresh.keySet());
        answers.forEach(
            (id, list) -> {
              long accepted = list.stream().filter(a -> a.status().equals("ACCEPTED")).count();
              assertThat(accepted).as("%s answered ACCEPTED: %s", id, list).isLessThanOrEqualTo(1);
              if (accepted == 0) {
                assertThat(unanswered).as("%s: only DUPLICATE, %s", id, list).contains(id);
              }
            });

        long acceptedAfterKill = acceptedBetween(killed, Instant.MAX);
        assertThat(acceptedAfterKill).as("ACCEPTED answers from the new worker").isPositive();
        List<Failure> inFlight = failures.stream().filter(f -> f.sent().isBefore(killed)).toList();
        assertThat(inFlight).as("requests were in flight when the worker died").isNotEmpty();

        Map<String, Map<String, Long>> expected = new TreeMap<>();
        fresh
            .values()
            .forEach(
                e ->
                    expected
                        .computeIfAbsent(e.customer(), c -> new TreeMap<>())
                        .merge(e.dimension(), e.quantity(), Long::sum));
        Map<String, Map<String, Long>> billed = new TreeMap<>();
        for (String customer : CUSTOMERS) {
          List<LedgerEntry> ledger = simulator.ledger(PRODUCT, customer);
          assertThat(ledger)
              .as("%s: one record per dimension and period (nothing billed twice)", customer)
              .extracting(e -> e.dimension() + "@" + e.timestamp())
              .doesNotHaveDuplicates();
          assertThat(ledger).extracting(LedgerEntry::dimension).isSubsetOf(DIMENSIONS);
          billed.put(
              customer,
              ledger.stream()
                  .collect(
                      Collectors.groupingBy(
                          LedgerEntry::dimension,
                          TreeMap::new,
                          Collectors.summingLong(LedgerEntry::quantity))));
          for (String dimension : DIMENSIONS) {
            assertThat(billed.get(customer).getOrDefault(dimension, 0L))
                .as("%s %s: billed = the accepted events' quantities", customer, dimension)
                .isEqualTo(expected.getOrDefault(customer, Map.of()).getOrDefault(dimension, 0L));
          }
        }

        Set<String> lostAtKill =
            inFlight.stream().flatMap(f -> f.ids().stream()).collect(Collectors.toSet());
        long appliedButLost =
            lostAtKill.stream()
                .filter(fresh::containsKey)
                .filter(
                    id -> answers.get(id).stream().noneMatch(a -> a.status().equals("ACCEPTED")))
                .count();
        Instant resumed =
            answers.values().stream()
                .flatMap(list -> List.copyOf(list).stream())
                .map(Answer::at)
                .filter(at -> at.isAfter(back))
                .min(Instant::compareTo)
                .orElseThrow();
        long slowest =
            answeredRequests.stream()
                .filter(a -> a.sent().isAfter(killed))
                .mapToLong(Answered::millis)
                .max()
                .orElse(0);
        List<Long> before =
            answeredRequests.stream()
                .filter(a -> a.answered().isBefore(killed))
                .map(Answered::millis)
                .sorted()
                .toList();
        log.info(
            "HTTP ingest across kill -9: {} events posted ({}) in {} answered requests by {}"
                + " clients over {} s; {} unique ids accepted: {} ACCEPTED answers before the"
                + " kill, {} after; {} requests ({} events) in flight at the kill failed, of which"
                + " {} fresh events had been applied (answered DUPLICATE on retry); {} requests"
                + " refused while no worker listened (ingest down {} ms); first answer from the"
                + " new worker {} ms after the kill, slowest request after the kill {} ms"
                + " (before: p50 {} ms, max {} ms); retried statuses {}; {} retryable refusals;"
                + " {} refused (invalid or conflict); ledger {} (expected {}); test {} s",
            posted.values().stream().mapToInt(AtomicInteger::get).sum(),
            posted,
            requests.get(),
            CLIENTS,
            Duration.between(streamStarted, streamEnded).toSeconds(),
            fresh.size(),
            acceptedBeforeKill,
            acceptedAfterKill,
            inFlight.size(),
            lostAtKill.size(),
            appliedButLost,
            failures.size() - inFlight.size(),
            Duration.between(killed, back).toMillis(),
            Duration.between(killed, resumed).toMillis(),
            slowest,
            before.get(before.size() / 2),
            before.get(before.size() - 1),
            retriedStatuses,
            retryableRefusals.get(),
            refused.get(),
            billed,
            expected,
            (System.nanoTime() - begin) / 1_000_000_000);
      } finally {
        pool.shutdownNow();
        worker.close();
        service.shutdownNow();
      }
    }
  }

  /** One client: batches of events until {@code stop}, each delivered before the next. */
  private void client(int number, HttpClient http, URI url, AtomicBoolean stop) throws Exception {
    Random random = new Random(31L * number + 7);
    List<Event> answered = new ArrayList<>();
    int n = 0;
    while (!stop.get()) {
      List<Event> batch = new ArrayList<>();
      for (int i = 0; i < BATCH; i++, n++) {
        double dice = random.nextDouble();
        Event event;
        if (dice < 0.05 && !answered.isEmpty()) {
          Event earlier = answered.get(random.nextInt(answered.size()));
          event =
              new Event(
                  earlier.id(),
                  earlier.customer(),
                  earlier.dimension(),
                  earlier.quantity(),
                  earlier.timestamp(),
                  Kind.AGAIN);
        } else if (dice < 0.07 && !answered.isEmpty()) {
          Event earlier = answered.get(random.nextInt(answered.size()));
          event =
              new Event(
                  earlier.id(),
                  earlier.customer(),
                  earlier.dimension(),
                  earlier.quantity() + 1 + random.nextInt(5),
                  earlier.timestamp(),
                  Kind.CONFLICT);
        } else if (dice < 0.09) {
          boolean unknownDimension = random.nextBoolean();
          event =
              new Event(
                  "c" + number + "-bad" + n,
                  CUSTOMERS.get(random.nextInt(CUSTOMERS.size())),
                  unknownDimension ? "bogus-dimension" : "requests",
                  unknownDimension ? 1 + random.nextInt(9) : -1 - random.nextInt(9),
                  Instant.now().toString(),
                  Kind.INVALID);
        } else {
          event =
              new Event(
                  "c" + number + "-e" + n,
                  CUSTOMERS.get(random.nextInt(CUSTOMERS.size())),
                  DIMENSIONS.get(random.nextInt(DIMENSIONS.size())),
                  1 + random.nextInt(9),
                  Instant.now().toString(),
                  Kind.NEW);
          fresh.put(event.id(), event);
        }
        posted.computeIfAbsent(event.kind(), k -> new AtomicInteger()).incrementAndGet();
        batch.add(event);
      }
      deliver(http, url, batch, answered);
      Thread.sleep(50);
    }
  }

  /**
   * Posts the batch until every event has a final answer: a connection failure, 429 or 5xx sends
   * the request again, a retryable refusal sends that event again, always with the same ids.
   */
  private void deliver(HttpClient http, URI url, List<Event> batch, List<Event> answered)
      throws Exception {
    List<Event> pending = batch;
    for (int attempt = 0; !pending.isEmpty(); attempt++) {
      assertThat(attempt).as("attempts to deliver a batch").isLessThan(300);
      Instant sent = Instant.now();
      HttpResponse<String> response;
      try {
        response =
            http.send(
                HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(pending)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        List<String> ids = pending.stream().map(Event::id).toList();
        failures.add(new Failure(sent, Instant.now(), ids, e.toString()));
        unanswered.addAll(ids);
        Thread.sleep(300);
        continue;
      }
      int status = response.statusCode();
      if (status == 429 || status >= 500) {
        retriedStatuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        if (status >= 500) {
          pending.forEach(e -> unanswered.add(e.id()));
        }
        long seconds = response.headers().firstValueAsLong("Retry-After").orElse(1);
        Thread.sleep(Math.min(5, seconds) * 1000);
        continue;
      }
      assertThat(status).as(response.body()).isEqualTo(200);
      requests.incrementAndGet();
      answeredRequests.add(new Answered(sent, Instant.now()));
      JsonNode outcomes = JSON.readTree(response.body()).get("events");
      assertThat(outcomes.size()).isEqualTo(pending.size());
      Instant at = Instant.now();
      List<Event> again = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        Event event = pending.get(i);
        JsonNode outcome = outcomes.get(i);
        assertThat(outcome.get("id").asText()).isEqualTo(event.id());
        String answer = outcome.get("status").asText();
        if (answer.equals("REFUSED") && outcome.get("retryable").asBoolean()) {
          retryableRefusals.incrementAndGet();
          unanswered.add(event.id());
          again.add(event);
          continue;
        }
        String what = event + ": " + outcome;
        switch (event.kind()) {
          case NEW -> {
            assertThat(answer).as(what).isIn("ACCEPTED", "DUPLICATE");
            answers
                .computeIfAbsent(event.id(), id -> Collections.synchronizedList(new ArrayList<>()))
                .add(new Answer(answer, at));
            answered.add(event);
          }
          case AGAIN -> {
            assertThat(answer).as(what).isEqualTo("DUPLICATE");
            answers.get(event.id()).add(new Answer(answer, at));
          }
          case INVALID -> {
            assertThat(answer).as(what).isEqualTo("REFUSED");
            assertThat(outcome.get("code").asText()).as(what).isEqualTo("invalid");
            refused.incrementAndGet();
          }
          case CONFLICT -> {
            assertThat(answer).as(what).isEqualTo("REFUSED");
            assertThat(outcome.get("code").asText()).as(what).isEqualTo("conflict");
            refused.incrementAndGet();
          }
        }
      }
      pending = again;
      if (!pending.isEmpty()) {
        Thread.sleep(300);
      }
    }
  }

  private static String body(List<Event> events) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode array = body.putArray("events");
    for (Event e : events) {
      array
          .addObject()
          .put("id", e.id())
          .put("product", PRODUCT)
          .put("customer", e.customer())
          .put("dimension", e.dimension())
          .put("quantity", e.quantity())
          .put("timestamp", e.timestamp());
    }
    return JSON.writeValueAsString(body);
  }

  private long acceptedBetween(Instant from, Instant to) {
    return answers.values().stream()
        .flatMap(list -> List.copyOf(list).stream())
        .filter(a -> a.status().equals("ACCEPTED"))
        .filter(a -> !a.at().isBefore(from) && a.at().isBefore(to))
        .count();
  }

  /** Waits until the worker's ingest API answers {@code GET /health}; returns when. */
  private static Instant awaitHealthy(HttpClient http, URI base) throws Exception {
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline)) {
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(base.resolve("health"))
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return Instant.now();
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the ingest API did not come up on " + base);
  }

  private static void sleepUntil(Instant when) throws InterruptedException {
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), when).toMillis()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void start(WorkflowClient client, String customer) {
    MeteringSubscription subscription =
        new MeteringSubscription(
            PRODUCT,
            CustomerId.parse(customer),
            DIMENSIONS,
            PricingModel.SUBSCRIPTION,
            PERIOD,
            // No close spread: the kill is timed to the close that starts after the grace.
            MeteringTuning.builder(PERIOD)
                .verifyDelay(Duration.ZERO)
                .closeSpread(Duration.ZERO)
                .build());
    CustomerMeteringWorkflow workflow =
        client.newWorkflowStub(
            CustomerMeteringWorkflow.class, MeteringOptions.customerWorkflow(QUEUE, subscription));
    WorkflowClient.start(workflow::run, CustomerMeteringInput.start(subscription));
  }

  private static CustomerMeteringWorkflow stub(WorkflowClient client, String customer) {
    return client.newWorkflowStub(
        CustomerMeteringWorkflow.class, MeteringWorkflowIds.forCustomer(PRODUCT, customer));
  }
}
