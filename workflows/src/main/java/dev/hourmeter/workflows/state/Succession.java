package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.PredecessorLicense;
import dev.hourmeter.workflows.model.api.AgreementChain;
import dev.hourmeter.workflows.model.api.AgreementEnd;
import dev.hourmeter.workflows.model.api.AgreementLink;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.UsageReport;
import dev.hourmeter.workflows.model.checkpoint.SuccessionCheckpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A licensed customer's place in its chain of agreements (renewals and replacements): the license
 * it took over from, and once its own agreement ended with a successor, the hand-over time, the
 * successor and the usage dated from the hand-over on, held until it is forwarded. Usage before the
 * hand-over is billed here under the old license; the old license's last period is the one holding
 * the hand-over time.
 */
public final class Succession {

  /** How long an ended agreement waits for its successor before it ends as a cancellation. */
  public static final Duration SUCCESSOR_WAIT = Duration.ofHours(6);

  /** At most this many reports are held for a successor not known yet; more are unbilled. */
  public static final int MAX_HELD = 500;

  private final String account;
  private AgreementLink predecessor;
  private AgreementEnd ended;
  private Instant endAccepted;
  private AgreementLink successor;
  private boolean lastPeriodSubmitted;
  private boolean gaveUp;
  private final List<UsageReport> held = new ArrayList<>();
  private long forwarded;
  private long unforwarded;

  Succession(CustomerId customer, SuccessionCheckpoint restored) {
    this.account = customer.hasLicense() ? customer.customerAwsAccountId() : null;
    if (restored != null) {
      predecessor = restored.predecessor();
      ended = restored.ended();
      endAccepted = restored.endAccepted();
      successor = restored.successor();
      lastPeriodSubmitted = restored.lastPeriodSubmitted();
      gaveUp = restored.gaveUp();
      held.addAll(restored.held());
      forwarded = restored.forwarded();
      unforwarded = restored.unforwarded();
    }
  }

  /**
   * The agreement ended with a successor, as learnt at {@code now} (first request wins; later ones
   * change nothing).
   */
  public boolean end(AgreementEnd end, Instant now) {
    if (ended != null) {
      return false;
    }
    ended = end;
    endAccepted = now;
    return true;
  }

  public AgreementEnd ended() {
    return ended;
  }

  /** This license took over from {@code from} (the first predecessor wins). */
  public boolean takeOver(AgreementLink from) {
    if (predecessor != null) {
      return false;
    }
    predecessor = from;
    return true;
  }

  public AgreementLink predecessor() {
    return predecessor;
  }

  /**
   * The license taken over, for pulled usage: a usage source that still names it gives this
   * customer its usage from the hand-over on. Empty when none.
   */
  public List<PredecessorLicense> predecessorLicenses() {
    if (predecessor == null || predecessor.licenseArn() == null || account == null) {
      return List.of();
    }
    return List.of(
        new PredecessorLicense(
            CustomerId.licensed(account, predecessor.licenseArn()), predecessor.handedOverAt()));
  }

  public AgreementLink successor() {
    return successor;
  }

  public void successor(AgreementLink link) {
    successor = link;
  }

  public boolean gaveUp() {
    return gaveUp;
  }

  public void giveUp() {
    gaveUp = true;
  }

  public boolean lastPeriodSubmitted() {
    return lastPeriodSubmitted;
  }

  public void markLastPeriodSubmitted() {
    lastPeriodSubmitted = true;
  }

  /** Whether the workflow still looks for its successor. */
  public boolean searching() {
    return ended != null && successor == null && !gaveUp;
  }

  /**
   * Pushed usage dated from this instant on is not billed here but held for the successor: the
   * hand-over time, or every date once the last period was submitted (late usage goes to the
   * successor rather than nowhere). Null while the agreement is in force.
   */
  public Instant divertFrom() {
    if (ended == null) {
      return null;
    }
    return lastPeriodSubmitted ? Instant.MIN : ended.endedAt();
  }

  /**
   * The start of the last period billed under this license (the one holding the hand-over, or the
   * one before it when the hand-over falls on a period start); null while in force.
   */
  Instant lastPeriod(PeriodCalendar calendar) {
    return ended == null ? null : calendar.periodStartOf(ended.endedAt().minusNanos(1));
  }

  /** Holds usage for the successor; false when the hold is full (the caller reports it). */
  public boolean hold(UsageReport report) {
    if (held.size() >= MAX_HELD) {
      unforwarded++;
      return false;
    }
    held.add(report);
    return true;
  }

  public List<UsageReport> held() {
    return List.copyOf(held);
  }

  /** The oldest held report was forwarded. */
  public void forwardedOldest() {
    held.removeFirst();
    forwarded++;
  }

  /** Every held report is given up as unbilled; returns them. */
  public List<UsageReport> dropHeld() {
    List<UsageReport> dropped = List.copyOf(held);
    unforwarded += dropped.size();
    held.clear();
    return dropped;
  }

  /** Every report (part) held so far, forwarded or not: numbers reports made for the successor. */
  public long reportsTaken() {
    return held.size() + forwarded + unforwarded;
  }

  /** How many reports (parts) dated after the hand-over could not be forwarded. */
  public long unforwarded() {
    return unforwarded;
  }

  /**
   * When waiting for a successor gives up: {@link #SUCCESSOR_WAIT} after the hand-over, or after
   * the workflow learnt of it when that was later (an intake that was down).
   */
  public Instant successorWaitUntil() {
    if (ended == null) {
      return null;
    }
    Instant from =
        endAccepted != null && endAccepted.isAfter(ended.endedAt()) ? endAccepted : ended.endedAt();
    return from.plus(SUCCESSOR_WAIT);
  }

  SuccessionCheckpoint toCheckpoint() {
    if (predecessor == null && ended == null) {
      return null;
    }
    return new SuccessionCheckpoint(
        predecessor,
        ended,
        endAccepted,
        successor,
        lastPeriodSubmitted,
        gaveUp,
        held,
        forwarded,
        unforwarded);
  }

  AgreementChain toChain() {
    if (predecessor == null && ended == null) {
      return null;
    }
    return new AgreementChain(
        predecessor,
        ended == null ? null : ended.status(),
        ended == null ? null : ended.endedAt(),
        successor,
        searching() ? successorWaitUntil() : null,
        held.size(),
        forwarded,
        unforwarded);
  }
}
