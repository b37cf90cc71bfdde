package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The last known state read from a real recorded history: the second run of a customer that
 * continued as new (the golden history the workflows module replays), whole and cut short as if it
 * had been terminated while submitting.
 */
class RunHistoryReaderTest {

  private static final String WORKFLOW_ID = "metering/golden/run-2";

  private final RunHistoryReader reader =
      new RunHistoryReader(DefaultDataConverter.STANDARD_INSTANCE);

  private static List<HistoryEvent> goldenRun2() throws IOException {
    Path file =
        Path.of(
            System.getProperty("basedir", "."),
            "..",
            "workflows",
            "src",
            "test",
            "resources",
            "golden-histories",
            "1.0",
            "continue-as-new-run-2.json");
    return WorkflowExecutionHistory.fromJson(Files.readString(file)).getEvents();
  }

  @Test
  void aRunThatSubmittedShowsItsCheckpointItsLastSubmissionAndItsMessages() throws IOException {
    ClosedRun.LastKnown known = reader.lastKnown(WORKFLOW_ID, goldenRun2());

    assertThat(known.checkpointProblem()).isNull();
    assertThat(known.checkpoint().counters().runs()).isEqualTo(2);
    assertThat(known.submissionsCompleted()).isEqualTo(1);
    assertThat(known.lastSubmission()).isNotEmpty();
    assertThat(known.lastSubmission()).allSatisfy(r -> assertThat(r.status()).isNotNull());
    assertThat(known.inFlight()).isEmpty();
    assertThat(known.usageUpdatesAccepted()).isEqualTo(2);
  }

  @Test
  void aSubmissionScheduledButNotCompletedAtTheCloseIsInFlight() throws IOException {
    List<HistoryEvent> events = goldenRun2();
    int scheduled = 0;
    while (events.get(scheduled).getEventType() != EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      scheduled++;
    }

    ClosedRun.LastKnown known = reader.lastKnown(WORKFLOW_ID, events.subList(0, scheduled + 1));

    assertThat(known.submissionsCompleted()).isZero();
    assertThat(known.lastSubmission()).isEmpty();
    assertThat(known.inFlight()).isNotEmpty();
    String text =
        ClosedStatusFormatter.format(
            new ClosedRun(
                WORKFLOW_ID,
                "run-2",
                "Terminated",
                RunHistoryReader.instant(events.get(scheduled)),
                "terminated: test",
                "TERMINATED",
                "ACTIVE",
                null,
                null,
                "a Terminated workflow cannot be replayed to answer it",
                known));
    assertThat(text)
        .contains("LAST KNOWN FROM HISTORY")
        .contains("its continue-as-new checkpoint")
        .contains(known.inFlight().size() + " records sent or being sent at the close")
        .contains(known.inFlight().get(0).dimension());
  }
}
