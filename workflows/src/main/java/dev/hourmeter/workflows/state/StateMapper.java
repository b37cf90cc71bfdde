package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.ReceiptStatus;
import dev.hourmeter.workflows.model.api.MeteringState;
import dev.hourmeter.workflows.model.api.MeteringStatus;
import dev.hourmeter.workflows.model.api.MeteringSubscription;
import dev.hourmeter.workflows.model.api.RejectedReport;
import dev.hourmeter.workflows.model.api.SubmittedRecord;
import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import dev.hourmeter.workflows.model.checkpoint.MeteringCheckpoint;
import dev.hourmeter.workflows.model.checkpoint.PeriodUsage;
import java.time.Instant;
import java.util.List;

/**
 * Builds what a {@link CustomerState} shows outside the workflow, field by field: the {@link
 * MeteringCheckpoint} that continue-as-new carries and the {@link MeteringStatus} answer. Each
 * stays within its byte budget ({@link PayloadBudget}): over it, the oldest rejected reports,
 * recent records and carried notes are left out, and the result says how many.
 */
final class StateMapper {

  private StateMapper() {}

  /** The checkpoint, within {@link PayloadBudget#CHECKPOINT_BYTES}. */
  static MeteringCheckpoint checkpoint(CustomerState s) {
    UsageLedger usage = s.ledger();
    UsageBook book = usage.book();
    List<RejectedReport> rejected = usage.rejected();
    List<SubmittedRecord> recent = s.submissions().recentRecords();
    List<CarriedUsage> carried = book.carried();
    return PayloadBudget.fit(
            PayloadBudget.CHECKPOINT_BYTES,
            PayloadBudget.Limits.all(rejected.size(), recent.size(), carried.size()),
            keep ->
                MeteringCheckpoint.builder()
                    .state(s.state())
                    .stateReason(s.stateReason())
                    .nextPeriodToClose(s.backlog().nextPeriodToClose())
                    .sealedThrough(book.sealedThrough())
                    .backlog(s.backlog().periods())
                    .pending(book.pending())
                    .overflow(book.overflow())
                    .rememberedReports(usage.reports().snapshot())
                    .rejectedReports(keep.keepRejected(rejected))
                    .carried(keep.keepCarried(carried))
                    .recentRecords(keep.keepRecent(recent))
                    .verifications(s.submissions().verifications().tasks())
                    .counters(s.counters())
                    .entitlements(s.entitlements().last())
                    .fileTotals(usage.pulledTotals())
                    .identityChanges(s.identities().changes())
                    .taggedPending(book.taggedPending())
                    .taggedOverflow(book.taggedOverflow())
                    .succession(s.succession().toCheckpoint())
                    .build())
        .value();
  }

  /** The {@code status} answer, within {@link PayloadBudget#STATUS_BYTES}. */
  static MeteringStatus status(CustomerState s, String workflowId, Instant now) {
    MeteringSubscription subscription = s.subscription();
    UsageBook book = s.ledger().book();
    Instant open = s.calendar().periodStartOf(now);
    List<PeriodUsage> unsubmitted =
        book.pending().stream().filter(p -> !p.periodStart().equals(open)).toList();
    List<RejectedReport> rejected = s.ledger().rejected();
    List<SubmittedRecord> recent = s.submissions().recentRecords();
    List<CarriedUsage> carried = book.carried();
    return PayloadBudget.fit(
            PayloadBudget.STATUS_BYTES,
            PayloadBudget.Limits.all(rejected.size(), recent.size(), carried.size()),
            keep -> {
              List<SubmittedRecord> shown = keep.keepRecent(recent);
              return MeteringStatus.builder()
                  .workflowId(workflowId)
                  .productCode(subscription.productCode())
                  .customer(subscription.customer().value())
                  .pricingModel(subscription.pricingModel())
                  .period(subscription.period())
                  .dimensions(subscription.dimensions())
                  .state(s.state())
                  .stateReason(s.stateReason())
                  .openPeriodStart(open)
                  .openPeriodUsage(book.pendingFor(open))
                  .unsubmitted(unsubmitted)
                  .backlog(List.copyOf(s.backlog().periods()))
                  .carried(keep.keepCarried(carried))
                  .rejectedReports(keep.keepRejected(rejected))
                  .recentRecords(shown)
                  .verifications(List.copyOf(s.submissions().verifications().tasks()))
                  .unverifiedRecords(
                      shown.stream().filter(r -> r.receipt() == ReceiptStatus.UNVERIFIED).toList())
                  .rememberedReportIds(s.ledger().reports().size())
                  .counters(s.counters())
                  .nextCloseAt(s.state() == MeteringState.ENDED ? null : s.shownNextCloseAt())
                  .closeOffset(s.closeOffset())
                  .omitted(keep.omitted())
                  .identityChanges(s.identities().changes())
                  .agreement(s.succession().toChain())
                  .build();
            })
        .value();
  }
}
