package dev.hourmeter.client.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.UsageMessages;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link UsageReporter} cuts one customer's events into updates: by count and by serialized
 * size, in order, an event too large on its own refused. No server: the stubs are never called.
 */
class UsageReporterChunksTest {

  private final WorkflowServiceStubs stubs =
      WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:1").build());
  private final WorkflowClient client = WorkflowClient.newInstance(stubs);

  @AfterEach
  void tearDown() {
    stubs.shutdownNow();
  }

  @Test
  void aNormalBatchIsOneUpdate() {
    List<UsageEvent> events = events(500, 0);
    List<List<Integer>> chunks =
        UsageReporter.builder(client).build().chunks(indexes(events), events, outcomes(events));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0)).hasSize(500);
  }

  @Test
  void moreThanTheBatchLimitOfEventsIsSplitByCount() {
    List<UsageEvent> events = events(UsageMessages.MAX_BATCH_REPORTS * 2 + 1, 0);
    List<List<Integer>> chunks =
        UsageReporter.builder(client).build().chunks(indexes(events), events, outcomes(events));
    assertThat(chunks)
        .extracting(List::size)
        .containsExactly(UsageMessages.MAX_BATCH_REPORTS, UsageMessages.MAX_BATCH_REPORTS, 1);
  }

  @Test
  void eventsOverTheByteLimitAreSplitInOrderIntoUpdatesUnderIt() {
    List<UsageEvent> events = events(100, 200);
    int limit = 4_096;
    UsageReporter reporter = UsageReporter.builder(client).maxUpdateBytes(limit).build();
    List<List<Integer>> chunks = reporter.chunks(indexes(events), events, outcomes(events));
    assertThat(chunks.size()).isGreaterThan(1);
    assertThat(chunks.stream().flatMap(List::stream).toList())
        .containsExactlyElementsOf(indexes(events));
    for (List<Integer> chunk : chunks) {
      assertThat(serialized(chunk.stream().map(events::get).toList()))
          .as("an update of %d events", chunk.size())
          .isLessThanOrEqualTo(limit);
    }
    // Full: one more event would have passed the limit.
    for (int c = 0; c < chunks.size() - 1; c++) {
      List<UsageEvent> fuller = new ArrayList<>(chunks.get(c).stream().map(events::get).toList());
      fuller.add(events.get(chunks.get(c + 1).get(0)));
      assertThat(serialized(fuller)).isGreaterThan(limit);
    }
  }

  @Test
  void anEventOverTheLimitOnItsOwnIsRefusedAndTheOthersTravel() {
    List<UsageEvent> events = new ArrayList<>(events(3, 0));
    events.set(1, events.get(1).withTags(Map.of("big", "x".repeat(10_000))));
    EventOutcome[] outcomes = outcomes(events);
    List<List<Integer>> chunks =
        UsageReporter.builder(client)
            .maxUpdateBytes(8_192)
            .build()
            .chunks(indexes(events), events, outcomes);
    assertThat(chunks).containsExactly(List.of(0, 2));
    assertThat(outcomes[1].code()).isEqualTo(EventOutcome.Codes.INVALID);
    assertThat(outcomes[1].retryable()).isFalse();
    assertThat(outcomes[1].reason()).contains("over the 8192 bytes one update may carry");
  }

  /** The bytes one update of {@code events} carries (the list's serialized form). */
  private static int serialized(List<UsageEvent> events) {
    return DefaultDataConverter.STANDARD_INSTANCE
        .toPayload(events.stream().map(UsageReporter::toReport).toList())
        .orElseThrow()
        .getData()
        .size();
  }

  private static List<UsageEvent> events(int count, int tagLength) {
    return IntStream.range(0, count)
        .mapToObj(
            i -> {
              UsageEvent event =
                  UsageEvent.of("e-" + i, "p", "c", "requests", BigDecimal.valueOf(i));
              return tagLength == 0
                  ? event
                  : event.withTags(Map.of("team", "t".repeat(tagLength - i % 50)));
            })
        .toList();
  }

  private static List<Integer> indexes(List<UsageEvent> events) {
    return IntStream.range(0, events.size()).boxed().toList();
  }

  private static EventOutcome[] outcomes(List<UsageEvent> events) {
    return new EventOutcome[events.size()];
  }
}
