package dev.hourmeter.activities.entitlements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hourmeter.activities.aws.AwsCall;
import dev.hourmeter.activities.aws.EntitlementItem;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.workflows.model.api.CustomerId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** The batcher against a scripted source: who shares a call, and who gets which answer. */
class EntitlementBatcherTest {

  private static final String PRODUCT = "prod-1";
  private static final String LICENSE_A = "arn:aws:license-manager::123456789012:license/l-a";
  private static final String LICENSE_B = "arn:aws:license-manager::123456789012:license/l-b";

  /** A source that records each call's customers and answers from {@code answer}. */
  private static final class ScriptedSource implements EntitlementBatcher.Source {
    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    final List<String> products = Collections.synchronizedList(new ArrayList<>());
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile CompletableFuture<Void> firstCallStarted = new CompletableFuture<>();
    final Function<List<CustomerId>, List<EntitlementItem>> answer;

    ScriptedSource(Function<List<CustomerId>, List<EntitlementItem>> answer) {
      this.answer = answer;
    }

    @Override
    public List<EntitlementItem> entitlementsOf(String productCode, List<CustomerId> customers) {
      calls.add(customers.stream().map(CustomerId::value).toList());
      products.add(productCode);
      firstCallStarted.complete(null);
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer.apply(customers);
    }
  }

  /** A failure classified as the gateway classifies AWS's answer {@code code}. */
  private static MarketplaceCallException failure(String code, int status) {
    AwsServiceException sdk =
        AwsServiceException.builder()
            .statusCode(status)
            .message(code)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
            .build();
    try {
      return new AwsCall(new SimpleMeterRegistry())
          .call(
              "GetEntitlements",
              () -> {
                throw sdk;
              });
    } catch (MarketplaceCallException e) {
      return e;
    }
  }

  private static CustomerId account(int n) {
    return CustomerId.awsAccount(String.format("%012d", 100_000_000_000L + n));
  }

  private static EntitlementItem seats(CustomerId customer, int value) {
    return new EntitlementItem(
        PRODUCT,
        "seats",
        customer.hasAwsAccountId() ? null : customer.value(),
        customer.hasAwsAccountId() ? customer.value() : null,
        value,
        null,
        null,
        null,
        null,
        customer.licenseArn());
  }

  /** Each customer's one entitlement: seats = its number. */
  private static List<EntitlementItem> seatsOfEach(List<CustomerId> customers) {
    return customers.stream()
        .map(c -> seats(c, Integer.parseInt(c.value().substring(c.value().length() - 4))))
        .toList();
  }

  /**
   * Starts {@code customers.size()} checks while the first call is held, so that the rest queue
   * behind it; returns each check's answer by customer.
   */
  private static Map<CustomerId, Future<List<EntitlementItem>>> checkWhileFirstCallHeld(
      EntitlementBatcher batcher,
      ScriptedSource source,
      List<CustomerId> customers,
      ExecutorService pool)
      throws Exception {
    source.gate = new CountDownLatch(1);
    Map<CustomerId, Future<List<EntitlementItem>>> answers = new HashMap<>();
    answers.put(
        customers.get(0), pool.submit(() -> batcher.entitlementsOf(PRODUCT, customers.get(0))));
    source.firstCallStarted.get(10, TimeUnit.SECONDS);
    for (CustomerId c : customers.subList(1, customers.size())) {
      answers.put(c, pool.submit(() -> batcher.entitlementsOf(PRODUCT, c)));
    }
    awaitQueued(source, batcher, customers.size() - 1);
    source.gate.countDown();
    return answers;
  }

  /** Waits until {@code n} checks are queued (the held call has not returned). */
  private static void awaitQueued(ScriptedSource source, EntitlementBatcher batcher, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (batcher.waiting() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(batcher.waiting()).as("checks queued behind the held call").isEqualTo(n);
    assertThat(source.calls).hasSize(1);
  }

  @Test
  void aLoneCheckIsSentAtOnceForItsCustomerAlone() {
    ScriptedSource source = new ScriptedSource(EntitlementBatcherTest::seatsOfEach);
    EntitlementBatcher batcher = new EntitlementBatcher(source, 25, Duration.ZERO, 1);

    List<EntitlementItem> items = batcher.entitlementsOf(PRODUCT, account(7));

    assertThat(items).containsExactly(seats(account(7), 7));
    assertThat(source.calls).containsExactly(List.of(account(7).value()));
  }

  @Test
  void checksArrivingWhileACallRunsShareTheNextCallsUpToTheCap() throws Exception {
    ScriptedSource source = new ScriptedSource(EntitlementBatcherTest::seatsOfEach);
    EntitlementBatcher batcher = new EntitlementBatcher(source, 25, Duration.ZERO, 1);
    List<CustomerId> customers = new ArrayList<>();
    for (int i = 1; i <= 61; i++) {
      customers.add(account(i));
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Map<CustomerId, Future<List<EntitlementItem>>> answers =
          checkWhileFirstCallHeld(batcher, source, customers, pool);

      for (int i = 1; i <= 61; i++) {
        assertThat(answers.get(account(i)).get(10, TimeUnit.SECONDS))
            .as("customer %d gets its own entitlements only", i)
            .containsExactly(seats(account(i), i));
      }
    }
    assertThat(source.calls).extracting(List::size).containsExactly(1, 25, 25, 10);
    assertThat(source.calls.stream().flatMap(List::stream).distinct())
        .hasSize(61)
        .as("each customer asked once")
        .hasSize(source.calls.stream().mapToInt(List::size).sum());
    assertThat(batcher.waiting()).isZero();
  }

  @Test
  void aCustomerOfWhomNothingCameBackGetsNoEntitlements() throws Exception {
    ScriptedSource source =
        new ScriptedSource(
            cs -> seatsOfEach(cs.stream().filter(c -> !c.equals(account(3))).toList()));
    EntitlementBatcher batcher = new EntitlementBatcher(source, 25, Duration.ZERO, 1);
    List<CustomerId> customers = List.of(account(1), account(2), account(3), account(4));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Map<CustomerId, Future<List<EntitlementItem>>> answers =
          checkWhileFirstCallHeld(batcher, source, customers, pool);

      assertThat(answers.get(account(2)).get(10, TimeUnit.SECONDS))
          .containsExactly(seats(account(2), 2));
      // The shared call (2, 3, 4) returned nothing for 3.
      assertThat(answers.get(account(3)).get(10, TimeUnit.SECONDS)).isEmpty();
      assertThat(answers.get(account(4)).get(10, TimeUnit.SECONDS))
          .containsExactly(seats(account(4), 4));
    }
    assertThat(source.calls).hasSize(2);
  }

  @Test
  void twoLicensesOfOneAccountAskOnceAndBothGetTheAccountsEntitlements() throws Exception {
    CustomerId first = CustomerId.licensed("123456789012", LICENSE_A);
    CustomerId second = CustomerId.licensed("123456789012", LICENSE_B);
    List<EntitlementItem> both = List.of(seats(first, 10), seats(second, 20), seats(account(5), 5));
    ScriptedSource source = new ScriptedSource(cs -> cs.size() == 1 ? List.of() : both);
    EntitlementBatcher batcher = new EntitlementBatcher(source, 25, Duration.ZERO, 1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Map<CustomerId, Future<List<EntitlementItem>>> answers =
          checkWhileFirstCallHeld(
              batcher, source, List.of(account(9), first, second, account(5)), pool);

      // Both licenses get every entitlement of their account; the activity keeps its license's.
      assertThat(answers.get(first).get(10, TimeUnit.SECONDS))
          .containsExactly(seats(first, 10), seats(second, 20));
      assertThat(answers.get(second).get(10, TimeUnit.SECONDS))
          .containsExactly(seats(first, 10), seats(second, 20));
      assertThat(answers.get(account(5)).get(10, TimeUnit.SECONDS))
          .containsExactly(seats(account(5), 5));
    }
    assertThat(source.calls.get(1)).containsExactlyInAnyOrder("123456789012", account(5).value());
  }

  @Test
  void productsAndKindsOfCustomerIdNeverShareACall() throws Exception {
    ScriptedSource source = new ScriptedSource(EntitlementBatcherTest::seatsOfEach);
    EntitlementBatcher batcher = new EntitlementBatcher(source, 25, Duration.ZERO, 1);
    source.gate = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<List<EntitlementItem>> held =
          pool.submit(() -> batcher.entitlementsOf(PRODUCT, account(1)));
      source.firstCallStarted.get(10, TimeUnit.SECONDS);
      List<Future<List<EntitlementItem>>> rest =
          List.of(
              pool.submit(() -> batcher.entitlementsOf(PRODUCT, account(2))),
              pool.submit(() -> batcher.entitlementsOf(PRODUCT, CustomerId.legacy("cust-0003"))),
              pool.submit(() -> batcher.entitlementsOf("prod-2", account(4))),
              pool.submit(() -> batcher.entitlementsOf(PRODUCT, account(5))),
              pool.submit(() -> batcher.entitlementsOf(PRODUCT, CustomerId.legacy("cust-0006"))));
      awaitQueued(source, batcher, 5);
      source.gate.countDown();
      held.get(10, TimeUnit.SECONDS);
      for (Future<List<EntitlementItem>> f : rest) {
        f.get(10, TimeUnit.SECONDS);
      }
    }
    assertThat(source.calls.stream().map(Set::copyOf))
        .containsExactlyInAnyOrder(
            Set.of(account(1).value()),
            Set.of(account(2).value(), account(5).value()),
            Set.of("cust-0003", "cust-0006"),
            Set.of(account(4).value()));
    assertThat(source.products).containsOnlyOnce("prod-2");
  }

  @Test
  void anEntitlementNamingNoCustomerMakesTheSharedCallsCustomersAskAlone() throws Exception {
    EntitlementItem anonymous =
        new EntitlementItem(PRODUCT, "seats", null, null, 99, null, null, null, null, null);
    ScriptedSource source =
        new ScriptedSource(cs -> cs.size() > 1 ? List.of(anonymous) : seatsOfEach(cs));
    EntitlementBatcher batcher = new EntitlementBatcher(source, 25, Duration.ZERO, 1);
    List<CustomerId> customers = List.of(account(1), account(2), account(3));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Map<CustomerId, Future<List<EntitlementItem>>> answers =
          checkWhileFirstCallHeld(batcher, source, customers, pool);

      assertThat(answers.get(account(2)).get(10, TimeUnit.SECONDS))
          .containsExactly(seats(account(2), 2));
      assertThat(answers.get(account(3)).get(10, TimeUnit.SECONDS))
          .containsExactly(seats(account(3), 3));
    }
    assertThat(source.calls.stream().map(Set::copyOf))
        .containsExactly(
            Set.of(account(1).value()),
            Set.of(account(2).value(), account(3).value()),
            Set.of(source.calls.get(2).get(0)),
            Set.of(source.calls.get(3).get(0)));
    assertThat(source.calls.subList(2, 4))
        .containsExactlyInAnyOrder(List.of(account(2).value()), List.of(account(3).value()));
  }

  @Test
  void aSharedRequestRefusedAsInvalidIsAskedOneByOneSoOnlyTheBadCustomerFails() throws Exception {
    MarketplaceCallException invalid = failure("InvalidParameterException", 400);
    CustomerId bad = CustomerId.legacy("bad id");
    ScriptedSource source =
        new ScriptedSource(
            cs -> {
              if (cs.contains(bad)) {
                throw invalid;
              }
              return seatsOfEach(cs);
            });
    EntitlementBatcher batcher = new EntitlementBatcher(source, 25, Duration.ZERO, 1);
    CustomerId good = CustomerId.legacy("cust-0002");
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Map<CustomerId, Future<List<EntitlementItem>>> answers =
          checkWhileFirstCallHeld(
              batcher, source, List.of(CustomerId.legacy("cust-0001"), bad, good), pool);

      assertThat(answers.get(good).get(10, TimeUnit.SECONDS)).containsExactly(seats(good, 2));
      Throwable failure = catchThrowable(() -> answers.get(bad).get(10, TimeUnit.SECONDS));
      assertThat(failure).cause().isSameAs(invalid);
    }
    assertThat(source.calls).hasSize(4);
  }

  @Test
  void aRetryableFailureOfASharedCallFailsEachOfItsChecksAsItIs() throws Exception {
    MarketplaceCallException throttled = failure("ThrottlingException", 400);
    ScriptedSource source =
        new ScriptedSource(
            cs -> {
              if (cs.size() > 1) {
                throw throttled;
              }
              return seatsOfEach(cs);
            });
    EntitlementBatcher batcher = new EntitlementBatcher(source, 25, Duration.ZERO, 1);
    List<CustomerId> customers = List.of(account(1), account(2), account(3));
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Map<CustomerId, Future<List<EntitlementItem>>> answers =
          checkWhileFirstCallHeld(batcher, source, customers, pool);

      assertThat(answers.get(account(1)).get(10, TimeUnit.SECONDS)).hasSize(1);
      for (CustomerId c : customers.subList(1, 3)) {
        assertThat(catchThrowable(() -> answers.get(c).get(10, TimeUnit.SECONDS)))
            .cause()
            .isSameAs(throttled);
      }
    }
    assertThat(source.calls).hasSize(2);
    // The batcher is still usable afterwards.
    assertThat(batcher.entitlementsOf(PRODUCT, account(8))).containsExactly(seats(account(8), 8));
  }

  @Test
  void aCheckWaitsTheLingerForOthersAndAFullCallLeavesAtOnce() throws Exception {
    ScriptedSource source = new ScriptedSource(EntitlementBatcherTest::seatsOfEach);
    // A linger no loaded machine outlasts while 30 checks arrive.
    EntitlementBatcher batcher = new EntitlementBatcher(source, 25, Duration.ofSeconds(3), 4);
    long started = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<EntitlementItem>>> first = new ArrayList<>();
      for (int i = 1; i <= 25; i++) {
        CustomerId c = account(i);
        first.add(pool.submit(() -> batcher.entitlementsOf(PRODUCT, c)));
      }
      for (Future<List<EntitlementItem>> f : first) {
        f.get(10, TimeUnit.SECONDS);
      }
      long fullCallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(fullCallMillis)
          .as("25 customers waiting need not wait out the linger")
          .isLessThan(2500);
      assertThat(source.calls).extracting(List::size).containsExactly(25);

      long lateStarted = System.nanoTime();
      List<Future<List<EntitlementItem>>> rest = new ArrayList<>();
      for (int i = 26; i <= 30; i++) {
        CustomerId c = account(i);
        rest.add(pool.submit(() -> batcher.entitlementsOf(PRODUCT, c)));
      }
      for (int i = 0; i < rest.size(); i++) {
        assertThat(rest.get(i).get(10, TimeUnit.SECONDS))
            .containsExactly(seats(account(26 + i), 26 + i));
      }
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lateStarted))
          .as("five customers wait the linger for others")
          .isGreaterThanOrEqualTo(2900);
    }
    assertThat(source.calls).extracting(List::size).containsExactly(25, 5);
  }
}
