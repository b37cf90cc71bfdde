package dev.hourmeter.it;

import dev.hourmeter.workflows.CustomerMeteringWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the histories of one workflow id, every run of its continue-as-new chain, as JSON files a
 * {@link WorkflowReplayer} reads back ({@link WorkflowExecutionHistory#toJson}).
 *
 * <p>Without the system property {@code golden.out} the files go to {@code target/golden-histories}
 * (a build output, overwritten on every run). With {@code -Dgolden.out=DIR} they go to {@code DIR}
 * and an existing file is never overwritten: golden histories are append-only.
 */
final class GoldenHistoryWriter {

  static final String OUT_PROPERTY = "golden.out";

  private final Path directory;
  private final boolean appendOnly;

  private GoldenHistoryWriter(Path directory, boolean appendOnly) {
    this.directory = directory;
    this.appendOnly = appendOnly;
  }

  static GoldenHistoryWriter fromSystemProperty() {
    String out = System.getProperty(OUT_PROPERTY);
    if (out == null || out.isBlank()) {
      return new GoldenHistoryWriter(Path.of("target", "golden-histories"), false);
    }
    Path directory = Path.of(out);
    if (!directory.isAbsolute()) {
      // Surefire runs in worker/, so a relative path would land somewhere unexpected.
      throw new IllegalArgumentException(
          OUT_PROPERTY + " must be an absolute path (e.g. $PWD/workflows/...), got " + out);
    }
    return new GoldenHistoryWriter(directory, true);
  }

  /**
   * Fetches every run of {@code workflowId} from {@code firstRunId} on (following continue-as-new),
   * checks that each replays against today's workflow code, and writes {@code <scenario>.json} (one
   * run) or {@code <scenario>-run-<n>.json} (several runs).
   *
   * @return the files written
   */
  List<Path> write(String scenario, WorkflowClient client, String workflowId, String firstRunId) {
    List<WorkflowExecutionHistory> runs = runs(client, workflowId, firstRunId);
    List<Path> written = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      WorkflowExecutionHistory history = runs.get(i);
      String name = runs.size() == 1 ? scenario : scenario + "-run-" + (i + 1);
      replay(name, history);
      written.add(writeFile(name + ".json", history.toJson(true)));
    }
    return written;
  }

  private static List<WorkflowExecutionHistory> runs(
      WorkflowClient client, String workflowId, String firstRunId) {
    List<WorkflowExecutionHistory> runs = new ArrayList<>();
    String runId = firstRunId;
    while (runId != null) {
      WorkflowExecutionHistory history = client.fetchHistory(workflowId, runId);
      runs.add(history);
      HistoryEvent last = history.getLastEvent();
      runId =
          last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
              ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
              : null;
    }
    return runs;
  }

  private static void replay(String name, WorkflowExecutionHistory history) {
    try {
      WorkflowReplayer.replayWorkflowExecution(history, CustomerMeteringWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError("the recorded history " + name + " does not replay", e);
    }
  }

  private Path writeFile(String fileName, String json) {
    Path file = directory.resolve(fileName);
    try {
      Files.createDirectories(directory);
      if (appendOnly) {
        Files.writeString(file, json, StandardOpenOption.CREATE_NEW);
      } else {
        Files.writeString(file, json);
      }
    } catch (FileAlreadyExistsException e) {
      throw new AssertionError(
          file.toAbsolutePath()
              + " already exists. Golden histories are append-only: never re-record or edit one;"
              + " record a new version into a new folder golden-histories/<change-id>/"
              + " (see docs/workflow-versioning.md).",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file.toAbsolutePath(), e);
    }
    return file;
  }
}
