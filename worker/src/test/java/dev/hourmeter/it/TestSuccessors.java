package dev.hourmeter.it;

import dev.hourmeter.workflows.activities.AgreementSuccessionActivities;
import dev.hourmeter.workflows.model.activity.SuccessorQuery;
import dev.hourmeter.workflows.model.api.AgreementLink;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FindSuccessor for the time-skipping server, which has no visibility API: answers the successor a
 * test {@link #link links} to a workflow, and fails retryably (as the real one does while no
 * successor runs) until then. The visibility search itself is tested on the real dev server ({@code
 * AgreementHandOverIT}).
 */
public final class TestSuccessors implements AgreementSuccessionActivities {

  private final Map<String, AgreementLink> successors = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();

  /** From now on, the successor of {@code workflowId} is {@code successorWorkflowId}. */
  public void link(String workflowId, String successorWorkflowId, String successorLicense) {
    successors.put(workflowId, new AgreementLink(successorWorkflowId, successorLicense, null));
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public AgreementLink findSuccessor(SuccessorQuery query) {
    calls.incrementAndGet();
    AgreementLink found = successors.get(query.workflowId());
    if (found == null) {
      throw ApplicationFailure.newFailure(
          "no successor of " + query.workflowId() + " yet", "SuccessorNotFound");
    }
    return new AgreementLink(found.workflowId(), found.licenseArn(), query.endedAt());
  }
}
