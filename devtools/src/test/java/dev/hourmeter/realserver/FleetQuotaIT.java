package dev.hourmeter.realserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.devtools.temporal.TemporalCliDevServer;
import dev.hourmeter.simulator.LedgerEntry;
import dev.hourmeter.simulator.MarketplaceSimulator;
import dev.hourmeter.simulator.RequestLogEntry;
import dev.hourmeter.workflows.CustomerMeteringWorkflow;
import dev.hourmeter.workflows.MeteringOptions;
import dev.hourmeter.workflows.MeteringWorkflowIds;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.CustomerMeteringInput;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.MeteringTuning;
import dev.hourmeter.workflows.model.api.PricingModel;
import dev.hourmeter.workflows.state.PeriodCalendar;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three worker processes ({@code java -jar hourmeter-worker.jar worker}, fleet sharing on by
 * default) on one task queue against the real Temporal dev server and the simulator, which enforces
 * AWS's 10 BatchMeterUsage calls per second in any sliding second. A hundred customers, each of its
 * own product (so each close needs 100 calls: a close is quota-bound for about 10 s of each 20 s
 * period), read their usage from a JSON-lines file the test appends to ahead of each period.
 *
 * <p>The workers start together, count each other and split the quota (4 + 3 + 3); after a few
 * closes one is killed with SIGKILL mid-close: the two others must take 5 + 5 within about a
 * minute; it is started again (a new process, a new identity): it joins without calling until the
 * others have made room, and the shares shrink back. Throughout, the simulator's request log must
 * show no sliding second with more than 10 BatchMeterUsage calls and no throttling, and in the end
 * the ledger must hold exactly one record per customer and period with exactly the file's quantity.
 * Receipt verification is off (20 s periods would make CloudTrail's load 180 times that of hourly
 * ones); the LookupEvents shares are checked through the workers' metrics.
 *
 * <p>A soak test: about seven minutes.
 */
@Tag("soak")
class FleetQuotaIT {

  private static final Logger log = LoggerFactory.getLogger(FleetQuotaIT.class);
  private static final Duration PERIOD = Duration.ofSeconds(20);
  private static final int CUSTOMERS = 100;
  private static final String QUEUE = "hourmeter-fleet-it";
  private static final String DIMENSION = "requests";
  private static final String METERING = "BatchMeterUsage";
  private static final Path WORK = Path.of("target", "fleet-it").toAbsolutePath();
  private static final Pattern SAMPLE =
      Pattern.compile("^(hourmeter_[a-z_]+)(\\{[^}]*})? ([-0-9.eE+]+|NaN)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");

  private final PeriodCalendar calendar = new PeriodCalendar(PERIOD);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Periods whose usage lines are in the file (by period start). */
  private final ConcurrentSkipListSet<Instant> usageWritten = new ConcurrentSkipListSet<>();

  private volatile boolean writeUsage = true;

  /** One worker process and its metrics port. */
  private record Worker(WorkerProcess process, int metricsPort, String name) {}

  @Test
  void threeWorkersShareTheQuotaRebalanceWhenOneIsKilledAndShrinkWhenItReturns() throws Exception {
    Files.createDirectories(WORK);
    Path usage = WORK.resolve("usage.jsonl");
    Files.deleteIfExists(usage);
    Files.createFile(usage);
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    try (TemporalCliDevServer server = TemporalDevServer.create(WORK.resolve("temporal"), false);
        MarketplaceSimulator simulator =
            MarketplaceSimulator.builder().port(0).period(PERIOD).autoSubscribe(true).build()) {
      simulator.start();
      server.start();
      List<Worker> workers = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        workers.add(startWorker(server, simulator, usage, "worker-" + i));
      }
      List<Worker> started = new ArrayList<>(workers);
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
      WorkflowClient client =
          WorkflowClient.newInstance(
              service, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      try {
        // Started together: each first sees itself alone, then the others, and joins.
        Instant startedAt = Instant.now();
        await(
            "the three workers split the quota",
            Duration.ofSeconds(120),
            () -> shares(workers).equals(List.of(3.0, 3.0, 4.0)) && fleetSizes(workers, 3));
        log.info(
            "FLEET three workers started together share 4+3+3 after {} s",
            seconds(startedAt, Instant.now()));
        assertThat(lookupShares(workers)).allSatisfy(s -> assertThat(s).isBetween(0.66, 0.67));

        Map<String, String> runs = startCustomers(client);
        Instant firstUsagePeriod = calendar.next(calendar.periodStartOf(Instant.now()));
        writer.scheduleWithFixedDelay(
            () -> appendUsage(usage, firstUsagePeriod), 0, 1, TimeUnit.SECONDS);

        // Steady state with three workers: three closes.
        sleepUntil(firstUsagePeriod.plus(PERIOD.multipliedBy(3)).plusSeconds(5));
        Worker victim = workers.get(2);
        victim.process().kill();
        Instant killed = Instant.now();
        List<Worker> survivors = List.of(workers.get(0), workers.get(1));
        log.info("FLEET {} killed at {}", victim.name(), killed);
        Instant rebalanced =
            await(
                "the two survivors take 5 + 5",
                Duration.ofSeconds(150),
                () -> shares(survivors).equals(List.of(5.0, 5.0)) && fleetSizes(survivors, 2));
        Instant fullRate =
            await(
                "the survivors' rates climb to their shares",
                Duration.ofSeconds(60),
                () -> rates(survivors).equals(List.of(5.0, 5.0)));
        log.info(
            "FLEET after the kill: shares 5+5 after {} s, rates 5+5 after {} s",
            seconds(killed, rebalanced),
            seconds(killed, fullRate));
        assertThat(Duration.between(killed, rebalanced))
            .as("the survivors reach the full quota within about a minute")
            .isLessThanOrEqualTo(Duration.ofSeconds(75));
        Instant twoWorkersFrom = calendar.next(calendar.periodStartOf(fullRate));

        // Two closes with two workers, then the third comes back as a new process.
        sleepUntil(twoWorkersFrom.plus(PERIOD.multipliedBy(2)).plusSeconds(5));
        Worker returned = startWorker(server, simulator, usage, "worker-3-again");
        started.add(returned);
        Instant restarted = Instant.now();
        List<Worker> fleet = List.of(workers.get(0), workers.get(1), returned);
        Instant shrunk =
            await(
                "the survivors' shares shrink",
                Duration.ofSeconds(60),
                () -> shares(survivors).stream().allMatch(s -> s <= 4.0));
        Instant joined =
            await(
                "the returned worker joins: 4+3+3",
                Duration.ofSeconds(90),
                () -> shares(fleet).equals(List.of(3.0, 3.0, 4.0)) && fleetSizes(fleet, 3));
        log.info(
            "FLEET after the restart: survivors' shares shrank after {} s, the newcomer had its"
                + " share after {} s",
            seconds(restarted, shrunk),
            seconds(restarted, joined));
        Instant threeAgainFrom = calendar.next(calendar.periodStartOf(joined));
        sleepUntil(threeAgainFrom.plus(PERIOD.multipliedBy(2)).plusSeconds(5));

        // Stop adding usage; unsubscribe once the last period with usage has been closed.
        writeUsage = false;
        writer.shutdown();
        writer.awaitTermination(10, TimeUnit.SECONDS);
        Instant lastUsage = usageWritten.last();
        sleepUntil(calendar.next(lastUsage).plusSeconds(2));
        Instant lastPeriod = calendar.periodStartOf(Instant.now());
        for (int i = 1; i <= CUSTOMERS; i++) {
          stub(client, i).unsubscribe();
        }
        for (int i = 1; i <= CUSTOMERS; i++) {
          WorkflowStub.fromTyped(stub(client, i)).getResult(180, TimeUnit.SECONDS, Void.class);
        }

        List<RequestLogEntry> calls =
            simulator.requestLog().stream().filter(r -> r.operation().equals(METERING)).toList();
        report(calls, killed, rebalanced, restarted, joined);
        assertThat(maxInOneSecond(calls))
            .as("BatchMeterUsage calls the simulator received in any sliding second")
            .isLessThanOrEqualTo(10);
        assertThat(
                calls.stream().filter(r -> r.errorType() != null).map(RequestLogEntry::errorType))
            .as("no BatchMeterUsage call failed (ThrottlingException in particular)")
            .isEmpty();
        assertThat(
                fleet.stream()
                    .mapToDouble(w -> metric(w, "hourmeter_quota_backoffs_total", METERING))
                    .sum())
            .as("no live worker cut its rate")
            .isZero();
        for (Worker w : fleet) {
          log.info("FLEET {} made {} BatchMeterUsage calls", w.name(), successfulCalls(w));
        }
        assertThat(successfulCalls(returned))
            .as("the returned worker got submissions to make with its share")
            .isPositive();

        List<LedgerEntry> ledger = simulator.ledger();
        for (int i = 1; i <= CUSTOMERS; i++) {
          Instant first = firstPeriod(client, i, runs.get(customer(i)));
          assertLedger(ledger, i, first, lastPeriod);
        }
      } finally {
        writer.shutdownNow();
        for (Worker worker : started) {
          worker.process().close();
        }
        service.shutdownNow();
      }
    }
  }

  private Worker startWorker(
      TemporalCliDevServer server, MarketplaceSimulator simulator, Path usage, String name)
      throws IOException {
    int port = TemporalCliDevServer.freePort();
    WorkerProcess process =
        WorkerProcess.start(
            server.address(),
            QUEUE,
            simulator.endpoint(),
            WORK.resolve(name + ".log"),
            List.of("--metrics-port", Integer.toString(port), "--usage-source", "file:" + usage),
            Map.of());
    return new Worker(process, port, name);
  }

  // --- customers and their usage ---

  private static String product(int i) {
    return "prod-fleet-" + i;
  }

  private static String customer(int i) {
    return "fleet-cust-" + i;
  }

  /** The usage of customer {@code i} in the period starting at {@code period}: 1 to 13. */
  private long quantity(int i, Instant period) {
    return 1 + Math.floorMod(i * 7L + period.getEpochSecond() / PERIOD.toSeconds(), 13);
  }

  /** Starts every customer; returns the run id of each. */
  private Map<String, String> startCustomers(WorkflowClient client) throws Exception {
    MeteringTuning tuning = MeteringTuning.builder(PERIOD).verifyDelay(Duration.ZERO).build();
    Map<String, String> runs = new HashMap<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      Map<String, Future<String>> started = new HashMap<>();
      for (int i = 1; i <= CUSTOMERS; i++) {
        MeteringSubscription subscription =
            new MeteringSubscription(
                product(i),
                CustomerId.parse(customer(i)),
                List.of(DIMENSION),
                PricingModel.SUBSCRIPTION,
                PERIOD,
                tuning);
        started.put(
            customer(i),
            pool.submit(
                () ->
                    WorkflowClient.start(
                            client.newWorkflowStub(
                                    CustomerMeteringWorkflow.class,
                                    MeteringOptions.customerWorkflow(QUEUE, subscription))
                                ::run,
                            CustomerMeteringInput.start(subscription))
                        .getRunId()));
      }
      for (Map.Entry<String, Future<String>> e : started.entrySet()) {
        runs.put(e.getKey(), e.getValue().get());
      }
    }
    return runs;
  }

  /**
   * Appends the next period's lines (stamped a second after its start) once it is less than a
   * period away, so that every line is in the file before its period closes.
   */
  private void appendUsage(Path usage, Instant from) {
    if (!writeUsage) {
      return;
    }
    Instant next = calendar.next(calendar.periodStartOf(Instant.now()));
    for (Instant p = from; !p.isAfter(next); p = calendar.next(p)) {
      if (usageWritten.contains(p)) {
        continue;
      }
      StringBuilder lines = new StringBuilder();
      for (int i = 1; i <= CUSTOMERS; i++) {
        lines.append(
            String.format(
                Locale.ROOT,
                "{\"productCode\": \"%s\", \"customer\": \"%s\", \"dimension\": \"%s\","
                    + " \"quantity\": %d, \"timestamp\": \"%s\"}%n",
                product(i),
                customer(i),
                DIMENSION,
                quantity(i, p),
                p.plusSeconds(1)));
      }
      try {
        Files.writeString(usage, lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      usageWritten.add(p);
    }
  }

  private static CustomerMeteringWorkflow stub(WorkflowClient client, int i) {
    return client.newWorkflowStub(
        CustomerMeteringWorkflow.class, MeteringWorkflowIds.forCustomer(product(i), customer(i)));
  }

  /**
   * The first period the workflow meters: the one its first completed workflow task ran in (on this
   * loaded machine a first task may time out, and the workflow's clock is then the next one's).
   */
  private Instant firstPeriod(WorkflowClient client, int i, String runId) {
    HistoryEvent started = null;
    for (HistoryEvent e :
        client
            .fetchHistory(MeteringWorkflowIds.forCustomer(product(i), customer(i)), runId)
            .getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        started = e;
      } else if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        break;
      }
    }
    assertThat(started).as("%s ran a workflow task", customer(i)).isNotNull();
    return calendar.periodStartOf(
        Instant.ofEpochSecond(
            started.getEventTime().getSeconds(), started.getEventTime().getNanos()));
  }

  /** One record per period from the first to the last, each with exactly the file's quantity. */
  private void assertLedger(List<LedgerEntry> ledger, int i, Instant first, Instant last) {
    List<LedgerEntry> mine =
        ledger.stream().filter(e -> product(i).equals(e.productCode())).toList();
    Map<Instant, List<LedgerEntry>> byPeriod =
        mine.stream().collect(Collectors.groupingBy(LedgerEntry::timestamp));
    int periods = 0;
    for (Instant p = first; !p.isAfter(last); p = calendar.next(p)) {
      periods++;
      long expected = usageWritten.contains(p) ? quantity(i, p) : 0;
      List<LedgerEntry> records = byPeriod.getOrDefault(p, List.of());
      assertThat(records)
          .as("%s: one record at %s (first period %s; its ledger %s)", customer(i), p, first, mine)
          .hasSize(1);
      LedgerEntry record = records.get(0);
      assertThat(record.dimension()).isEqualTo(DIMENSION);
      assertThat(record.customer().value()).isEqualTo(customer(i));
      assertThat(record.quantity()).as("%s at %s", customer(i), p).isEqualTo(expected);
    }
    assertThat(mine).as("%s: nothing outside its periods", customer(i)).hasSize(periods);
  }

  // --- the workers' metrics ---

  /** One Prometheus sample. */
  private record Sample(String name, Map<String, String> labels, double value) {}

  private List<Sample> scrape(Worker worker) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + worker.metricsPort() + "/metrics"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      List<Sample> samples = new ArrayList<>();
      Matcher m = SAMPLE.matcher(response.body());
      while (m.find()) {
        Map<String, String> labels = new HashMap<>();
        if (m.group(2) != null) {
          Matcher label = LABEL.matcher(m.group(2));
          while (label.find()) {
            labels.put(label.group(1), label.group(2));
          }
        }
        samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
      }
      return samples;
    } catch (IOException e) {
      return List.of(); // not up yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of {@code name} with (at least) these labels, NaN when there is none. */
  private double metric(Worker worker, String name, Map<String, String> labels) {
    return scrape(worker).stream()
        .filter(x -> x.name().equals(name))
        .filter(x -> x.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value)
        .findFirst()
        .orElse(Double.NaN);
  }

  private double metric(Worker worker, String name, String operation) {
    return metric(worker, name, Map.of("operation", operation));
  }

  private double successfulCalls(Worker worker) {
    double calls =
        metric(
            worker,
            "hourmeter_aws_calls_total",
            Map.of("operation", METERING, "outcome", "success"));
    return Double.isNaN(calls) ? 0 : calls;
  }

  /** The workers' BatchMeterUsage shares, sorted. */
  private List<Double> shares(List<Worker> workers) {
    return workers.stream()
        .map(w -> metric(w, "hourmeter_quota_share", METERING))
        .sorted()
        .toList();
  }

  private List<Double> rates(List<Worker> workers) {
    return workers.stream().map(w -> metric(w, "hourmeter_quota_rate", METERING)).sorted().toList();
  }

  private List<Double> lookupShares(List<Worker> workers) {
    return workers.stream().map(w -> metric(w, "hourmeter_quota_share", "LookupEvents")).toList();
  }

  private boolean fleetSizes(List<Worker> workers, int size) {
    return workers.stream().allMatch(w -> metric(w, "hourmeter_fleet_workers", Map.of()) == size);
  }

  // --- figures ---

  /** The most calls received in any sliding second (a call at t and one at t + 1 s do not meet). */
  static int maxInOneSecond(List<RequestLogEntry> calls) {
    List<Instant> at = calls.stream().map(RequestLogEntry::receivedAt).sorted().toList();
    int max = 0;
    int start = 0;
    for (int end = 0; end < at.size(); end++) {
      while (!at.get(start).plusSeconds(1).isAfter(at.get(end))) {
        start++;
      }
      max = Math.max(max, end - start + 1);
    }
    return max;
  }

  /** Logs, per period, the calls received, their span, their rate and the busiest second. */
  private void report(
      List<RequestLogEntry> calls,
      Instant killed,
      Instant rebalanced,
      Instant restarted,
      Instant joined) {
    Map<Instant, List<RequestLogEntry>> byPeriod =
        calls.stream().collect(Collectors.groupingBy(r -> calendar.periodStartOf(r.receivedAt())));
    for (Instant p : new TreeSet<>(byPeriod.keySet())) {
      List<RequestLogEntry> in = byPeriod.get(p);
      Instant firstCall =
          in.stream().map(RequestLogEntry::receivedAt).min(Instant::compareTo).get();
      Instant lastCall = in.stream().map(RequestLogEntry::receivedAt).max(Instant::compareTo).get();
      double span = seconds(firstCall, lastCall);
      String phase =
          p.isBefore(killed)
              ? "3 workers"
              : p.isBefore(rebalanced)
                  ? "killed, not yet rebalanced"
                  : p.isBefore(restarted)
                      ? "2 workers"
                      : p.isBefore(joined) ? "third joining" : "3 workers again";
      log.info(
          "FLEET period {} ({}): {} calls over {} s = {} calls/s, busiest second {}",
          p,
          phase,
          in.size(),
          String.format(Locale.ROOT, "%.1f", span),
          String.format(Locale.ROOT, "%.2f", span > 0 ? (in.size() - 1) / span : 0),
          maxInOneSecond(in));
    }
    log.info(
        "FLEET overall: {} BatchMeterUsage calls, busiest second {}, failed {}",
        calls.size(),
        maxInOneSecond(calls),
        calls.stream().filter(r -> r.errorType() != null).count());
  }

  // --- waiting ---

  private static Instant await(String what, Duration timeout, BooleanSupplier ok)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!ok.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(500);
    }
    return Instant.now();
  }

  private static void sleepUntil(Instant at) throws InterruptedException {
    long millis = Duration.between(Instant.now(), at).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
