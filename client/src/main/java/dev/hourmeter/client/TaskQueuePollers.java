package dev.hourmeter.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Who polls a task queue, as the Temporal server reports it ({@code DescribeTaskQueue} on the
 * queue's workflow and activity task queues): each poller identity (the SDK's {@code pid@host}
 * unless set) with its last access. The server notes an access when a poll starts, so a worker
 * waiting in a long poll shows an access as old as its poll (up to its long-poll timeout), and a
 * worker that died keeps its last one for the server's poller history (minutes).
 */
public final class TaskQueuePollers {

  private static final List<TaskQueueType> TYPES =
      List.of(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private final WorkflowServiceStubs service;
  private final String namespace;
  private final String taskQueue;
  private final String identity;

  private TaskQueuePollers(
      WorkflowServiceStubs service, String namespace, String taskQueue, String identity) {
    this.service = service;
    this.namespace = namespace;
    this.taskQueue = taskQueue;
    this.identity = identity;
  }

  /** The pollers of {@code taskQueue}, asked through {@code client}'s connection and namespace. */
  public static TaskQueuePollers of(WorkflowClient client, String taskQueue) {
    Objects.requireNonNull(client, "client");
    return new TaskQueuePollers(
        client.getWorkflowServiceStubs(),
        client.getOptions().getNamespace(),
        Objects.requireNonNull(taskQueue, "taskQueue"),
        client.getOptions().getIdentity());
  }

  /** The identity the client (and a worker made from it) polls with. */
  public String identity() {
    return identity;
  }

  public String taskQueue() {
    return taskQueue;
  }

  /**
   * Each identity polling the workflow or the activity task queue, with its latest access of the
   * two.
   *
   * @throws UnsupportedOperationException when the server does not implement or permit
   *     DescribeTaskQueue (the in-process test server; a role without it)
   * @throws IllegalStateException when the call fails otherwise (within 10 s)
   */
  public Map<String, Instant> lastAccessByIdentity() {
    Map<String, Instant> latest = new HashMap<>();
    for (TaskQueueType type : TYPES) {
      DescribeTaskQueueRequest request =
          DescribeTaskQueueRequest.newBuilder()
              .setNamespace(namespace)
              .setTaskQueue(
                  TaskQueue.newBuilder()
                      .setName(taskQueue)
                      .setKind(TaskQueueKind.TASK_QUEUE_KIND_NORMAL))
              .setTaskQueueType(type)
              .build();
      List<PollerInfo> pollers;
      try {
        pollers =
            service
                .blockingStub()
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .describeTaskQueue(request)
                .getPollersList();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNIMPLEMENTED || code == Status.Code.PERMISSION_DENIED) {
          throw new UnsupportedOperationException("DescribeTaskQueue: " + code, e);
        }
        throw new IllegalStateException(
            "DescribeTaskQueue " + taskQueue + " (" + type + "): " + code, e);
      }
      for (PollerInfo poller : pollers) {
        Instant at =
            Instant.ofEpochSecond(
                poller.getLastAccessTime().getSeconds(), poller.getLastAccessTime().getNanos());
        latest.merge(poller.getIdentity(), at, (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    return latest;
  }
}
