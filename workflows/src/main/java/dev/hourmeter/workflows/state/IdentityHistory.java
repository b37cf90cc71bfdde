package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.checkpoint.IdentityChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which identity a customer's records carry, period by period: the one the workflow started with,
 * then each migration from its {@code effectiveFrom} period on. Carried across continue-as-new in
 * the checkpoint. A customer is migrated at most once to a license: a licensed identity is final
 * (another license is a conflict), so the list stays tiny.
 */
public final class IdentityHistory {

  /** How a migration request stands against the current identity. */
  public enum Verdict {
    /** The current identity differs and may be replaced. */
    MIGRATE,
    /** The workflow already meters under exactly that identity. */
    ALREADY,
    /** The workflow already meters under another license. */
    CONFLICT
  }

  private final CustomerId original;
  private final List<IdentityChange> changes;

  public IdentityHistory(CustomerId original, List<IdentityChange> changes) {
    this.original = original;
    this.changes = new ArrayList<>(changes == null ? List.of() : changes);
  }

  /** The identity records carry now (periods not yet submitted). */
  public CustomerId current() {
    return changes.isEmpty() ? original : changes.getLast().to();
  }

  /** The identity of {@code period}'s records: the last change effective at or before it. */
  public CustomerId customerFor(Instant period) {
    CustomerId customer = original;
    for (IdentityChange change : changes) {
      if (!period.isBefore(change.effectiveFrom())) {
        customer = change.to();
      }
    }
    return customer;
  }

  public Verdict verdict(IdentityMigration request) {
    CustomerId current = current();
    if (current.hasLicense()
        && current.hasAwsAccountId()
        && current.customerAwsAccountId().equals(request.customerAwsAccountId())
        && current.licenseArn().equals(request.licenseArn())) {
      return Verdict.ALREADY;
    }
    return current.hasLicense() ? Verdict.CONFLICT : Verdict.MIGRATE;
  }

  /** The refusal of a conflicting request, naming the field. */
  public String conflict(IdentityMigration request) {
    CustomerId current = current();
    return "licenseArn: this workflow already meters account "
        + current.value()
        + " under license "
        + current.licenseArn()
        + "; it cannot move to "
        + request.licenseArn()
        + (request.customerAwsAccountId().equals(current.customerAwsAccountId())
            ? ""
            : " of account " + request.customerAwsAccountId());
  }

  /** When the current identity took effect: null when it is the one the workflow started with. */
  public Instant currentSince() {
    return changes.isEmpty() ? null : changes.getLast().effectiveFrom();
  }

  /** Records carry {@code to} from {@code effectiveFrom} on; returns the change. */
  public IdentityChange migrate(CustomerId to, Instant migratedAt, Instant effectiveFrom) {
    IdentityChange change = new IdentityChange(current(), to, migratedAt, effectiveFrom);
    changes.add(change);
    return change;
  }

  public List<IdentityChange> changes() {
    return List.copyOf(changes);
  }
}
