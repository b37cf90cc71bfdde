package dev.hourmeter.activities.entitlements;

import dev.hourmeter.activities.aws.EntitlementItem;
import dev.hourmeter.activities.aws.EntitlementService;
import dev.hourmeter.activities.aws.MarketplaceCallException;
import dev.hourmeter.workflows.model.api.CustomerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the entitlement checks of customers that check at about the same time from shared
 * GetEntitlements calls. Every customer checks at its first close and again when its last answer is
 * too old (one close in six by default), and customers close together: at 10,000 customers that was
 * 10,000 GetEntitlements calls in one close, each through the whole AWS SDK pipeline (signing,
 * HTTP, JSON), about two milliseconds of CPU each with the simulator's side, on top of the close.
 *
 * <p>GetEntitlements unions the values of one filter, so one call can name up to {@code
 * maxCustomers} customers (default {@value #DEFAULT_MAX_CUSTOMERS}) of one product named the same
 * way (by AWS account id, or by CustomerIdentifier: AWS refuses both in one request). A check waits
 * at most {@code linger} (default {@link #DEFAULT_LINGER}) for others to share its call, less when
 * {@code maxCustomers} are waiting; at most {@code maxInFlight} calls (default {@value
 * #DEFAULT_MAX_IN_FLIGHT}) run at once. Each entitlement names its customer, by which the answer is
 * split; a customer of whom none came back gets an empty list, as a call for it alone would have
 * answered.
 *
 * <p>Where a shared answer cannot be split as a single customer's would be, the customers of that
 * call are asked one by one instead: when an entitlement of a shared answer names no customer, or
 * when AWS refused the shared request as invalid (a non-retryable error: AWS documents no limit on
 * the number of values, but one customer's bad id would otherwise fail the others). A retryable
 * failure (throttling, 5xx, I/O) fails every check of the call, each retried by its own activity as
 * before.
 *
 * <p>Thread-safe; one per worker. Its threads are virtual and end when no check waits, so there is
 * nothing to close.
 */
public final class EntitlementBatcher implements EntitlementLookup {

  /** Customers per call: with one entitlement each, the answer fits one page of 25. */
  public static final int DEFAULT_MAX_CUSTOMERS = 25;

  /** How long a check waits for others to share its call. */
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(250);

  /** GetEntitlements calls at once. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;

  private static final Logger log = LoggerFactory.getLogger(EntitlementBatcher.class);

  /** One GetEntitlements (all pages) for customers named the same way. */
  @FunctionalInterface
  public interface Source {
    List<EntitlementItem> entitlementsOf(String productCode, List<CustomerId> customers);
  }

  /** Checks that may share a call: one product, one kind of customer id. */
  private record Key(String productCode, boolean byAccount) {}

  /** One waiting check. */
  private record Check(
      CustomerId customer, long arrivedNanos, CompletableFuture<List<EntitlementItem>> answer) {}

  private final Source source;
  private final int maxCustomers;
  private final long lingerNanos;
  private final int maxInFlight;
  private final ThreadFactory threads;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock: the waiting checks per key, by customer id value in arrival order (two
  // licenses of one account share a value), and the sender threads.
  private final Map<Key, Map<String, List<Check>>> waiting = new LinkedHashMap<>();
  private int senders;

  /** Through {@code service}, with the defaults. */
  public EntitlementBatcher(EntitlementService service) {
    this(service::getEntitlements, DEFAULT_MAX_CUSTOMERS, DEFAULT_LINGER, DEFAULT_MAX_IN_FLIGHT);
  }

  public EntitlementBatcher(Source source, int maxCustomers, Duration linger, int maxInFlight) {
    this.source = Objects.requireNonNull(source, "source");
    if (maxCustomers < 1 || maxInFlight < 1 || linger.isNegative()) {
      throw new IllegalArgumentException(
          "maxCustomers and maxInFlight must be >= 1 and linger not negative");
    }
    this.maxCustomers = maxCustomers;
    this.lingerNanos = linger.toNanos();
    this.maxInFlight = maxInFlight;
    this.threads = Thread.ofVirtual().name("entitlement-lookup-", 0).factory();
  }

  @Override
  public List<EntitlementItem> entitlementsOf(String productCode, CustomerId customer) {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(customer, "customer");
    Check check = new Check(customer, System.nanoTime(), new CompletableFuture<>());
    boolean startSender;
    lock.lock();
    try {
      Map<String, List<Check>> queue =
          waiting.computeIfAbsent(
              new Key(productCode, customer.hasAwsAccountId()), k -> new LinkedHashMap<>());
      queue.computeIfAbsent(customer.value(), v -> new ArrayList<>()).add(check);
      startSender = senders < maxInFlight;
      if (startSender) {
        senders++;
      }
      if (queue.size() == maxCustomers) {
        changed.signalAll(); // a full call need not wait out the linger
      }
    } finally {
      lock.unlock();
    }
    if (startSender) {
      threads.newThread(this::sendWhileWaiting).start();
    }
    return await(check);
  }

  /** Checks waiting for a call (not those of calls under way). */
  int waiting() {
    lock.lock();
    try {
      return waiting.values().stream()
          .mapToInt(q -> q.values().stream().mapToInt(List::size).sum())
          .sum();
    } finally {
      lock.unlock();
    }
  }

  private static List<EntitlementItem> await(Check check) {
    try {
      return check.answer().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for GetEntitlements", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure; // a MarketplaceCallException, classified once where the call failed
      }
      throw new IllegalStateException("GetEntitlements failed", e.getCause());
    }
  }

  /** A sender: sends the next call's checks until none wait. */
  private void sendWhileWaiting() {
    boolean counted = true;
    try {
      while (true) {
        Batch batch = nextBatch();
        if (batch == null) {
          counted = false; // nextBatch gave the sender up
          return;
        }
        try {
          send(batch);
        } catch (RuntimeException | Error e) {
          batch.checks().forEach(c -> c.answer().completeExceptionally(e));
          if (e instanceof Error error) {
            throw error;
          }
        }
      }
    } finally {
      if (counted) {
        lock.lock();
        try {
          senders--;
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** The checks of one call: one key, up to {@code maxCustomers} customer id values. */
  private record Batch(Key key, Map<String, List<Check>> byValue) {
    List<Check> checks() {
      return byValue.values().stream().flatMap(List::stream).toList();
    }
  }

  /**
   * Waits until some key's checks are due (the linger of its oldest check has passed, or {@code
   * maxCustomers} customer ids wait), then takes up to {@code maxCustomers} of them, oldest first;
   * the rest wait for the next call. Null (and the sender given up) when no check waits.
   */
  private Batch nextBatch() {
    lock.lock();
    try {
      while (!waiting.isEmpty()) {
        Key due = null;
        long dueIn = Long.MAX_VALUE;
        long now = System.nanoTime();
        for (Map.Entry<Key, Map<String, List<Check>>> entry : waiting.entrySet()) {
          Map<String, List<Check>> queue = entry.getValue();
          long oldest = queue.values().iterator().next().get(0).arrivedNanos();
          long wait = queue.size() >= maxCustomers ? 0 : oldest + lingerNanos - now;
          if (wait < dueIn) {
            due = entry.getKey();
            dueIn = wait;
          }
        }
        if (dueIn > 0) {
          changed.awaitNanos(dueIn);
          continue;
        }
        Map<String, List<Check>> queue = waiting.get(due);
        Map<String, List<Check>> taken = new LinkedHashMap<>();
        Iterator<Map.Entry<String, List<Check>>> values = queue.entrySet().iterator();
        while (values.hasNext() && taken.size() < maxCustomers) {
          Map.Entry<String, List<Check>> value = values.next();
          taken.put(value.getKey(), value.getValue());
          values.remove();
        }
        if (queue.isEmpty()) {
          waiting.remove(due);
        }
        return new Batch(due, taken);
      }
      senders--;
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("entitlement sender interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  private void send(Batch batch) {
    Key key = batch.key();
    Map<String, List<Check>> byValue = batch.byValue();
    List<CustomerId> customers = byValue.values().stream().map(l -> l.get(0).customer()).toList();
    if (customers.size() == 1) {
      answer(batch.checks(), () -> source.entitlementsOf(key.productCode(), customers));
      return;
    }
    List<EntitlementItem> items;
    try {
      items = source.entitlementsOf(key.productCode(), customers);
    } catch (MarketplaceCallException e) {
      if (e.retryable()) {
        batch.checks().forEach(c -> c.answer().completeExceptionally(e));
        return;
      }
      log.warn(
          "GetEntitlements for {} customers of {} at once was refused ({}); asking them one by one",
          customers.size(),
          key.productCode(),
          e.detail());
      oneByOne(key, byValue);
      return;
    }
    Map<String, List<EntitlementItem>> mine = new HashMap<>();
    for (EntitlementItem item : items) {
      String value = key.byAccount() ? item.customerAwsAccountId() : item.customerIdentifier();
      if (value == null) {
        log.warn(
            "GetEntitlements for {} customers of {} at once returned an entitlement that names no"
                + " customer; asking them one by one",
            customers.size(),
            key.productCode());
        oneByOne(key, byValue);
        return;
      }
      mine.computeIfAbsent(value, v -> new ArrayList<>()).add(item);
    }
    byValue.forEach(
        (value, checks) -> {
          List<EntitlementItem> answer = List.copyOf(mine.getOrDefault(value, List.of()));
          checks.forEach(c -> c.answer().complete(answer));
        });
  }

  private void oneByOne(Key key, Map<String, List<Check>> byValue) {
    byValue.forEach(
        (value, checks) ->
            answer(
                checks,
                () -> source.entitlementsOf(key.productCode(), List.of(checks.get(0).customer()))));
  }

  private static void answer(List<Check> checks, Supplier<List<EntitlementItem>> call) {
    try {
      List<EntitlementItem> items = call.get();
      checks.forEach(c -> c.answer().complete(items));
    } catch (RuntimeException e) {
      checks.forEach(c -> c.answer().completeExceptionally(e));
    }
  }
}
