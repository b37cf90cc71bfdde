package dev.hourmeter.workflows.state;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import dev.hourmeter.workflows.model.checkpoint.IdentityChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Which identity a customer's records carry, period by period: the one the workflow started with,
 * then each migration from its {@code effectiveFrom} period on. Carried across continue-as-new in
 * the checkpoint. A customer is migrated at most once to a license: a licensed identity is final
 * (another license is a conflict), so the list stays tiny.
 *
 * <p><b>One identity per customer-hour.</b> AWS bills records sent with ProductCode (a legacy
 * CustomerIdentifier, or an account without license) and records sent with LicenseArn for the same
 * customer and hour both: double billing, not a rejection. So the identity kind of a period's
 * records is decided once, by this history, when the period is sealed, and never changes after:
 * {@link #migrate} refuses a change of kind that would take effect at or before a sealed period,
 * and every record that goes out (first send, re-send after a CloudTrail miss, a carried or
 * leftover period's record) passes {@link #inForce}, which puts a record of the other kind under
 * its hour's identity and says so (counted as {@code recordsReassigned}).
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

  /**
   * The records as they may go out, each under its hour's identity kind, and the records (as they
   * came) that had to be put there.
   */
  public record Guarded(List<MeteringRecord> records, List<MeteringRecord> reassigned) {}

  private final CustomerId original;
  private final List<IdentityChange> changes;

  /** The last sealed period (its identity decided); null: none known. */
  private Supplier<Instant> sealedThrough = () -> null;

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

  /** Tells the history which periods are sealed: their identity is decided. */
  void sealedThrough(Supplier<Instant> value) {
    sealedThrough = value;
  }

  /**
   * Whether records of {@code a} and {@code b} go out under the same kind of identity: both with
   * LicenseArn, or both with ProductCode.
   */
  public static boolean sameKind(CustomerId a, CustomerId b) {
    return a.hasLicense() == b.hasLicense();
  }

  /**
   * Each record under the identity of its hour ({@link #customerFor} its timestamp) when its own is
   * of the other kind: a customer-hour never goes out under both ProductCode and LicenseArn. A
   * record of the same kind is left as it is (two licenses may share an hour: AWS bills each
   * license's record once).
   */
  public Guarded inForce(List<MeteringRecord> records) {
    List<MeteringRecord> out = new ArrayList<>(records.size());
    List<MeteringRecord> reassigned = new ArrayList<>();
    for (MeteringRecord record : records) {
      CustomerId hour = customerFor(record.timestamp());
      if (sameKind(record.customer(), hour)) {
        out.add(record);
      } else {
        reassigned.add(record);
        out.add(record.withCustomer(hour));
      }
    }
    return new Guarded(List.copyOf(out), List.copyOf(reassigned));
  }

  /**
   * Records carry {@code to} from {@code effectiveFrom} on; returns the change.
   *
   * @throws IllegalArgumentException when the change is of identity kind (ProductCode to
   *     LicenseArn) and {@code effectiveFrom} is not after the last sealed period, or not after the
   *     previous change: an hour already sent must keep its identity
   */
  public IdentityChange migrate(CustomerId to, Instant migratedAt, Instant effectiveFrom) {
    if (!sameKind(current(), to)) {
      Instant sealed = sealedThrough.get();
      Instant since = currentSince();
      if ((sealed != null && !effectiveFrom.isAfter(sealed))
          || (since != null && !effectiveFrom.isAfter(since))) {
        throw new IllegalArgumentException(
            "effectiveFrom "
                + effectiveFrom
                + ": periods through "
                + (sealed != null ? sealed : since)
                + " already carry "
                + current()
                + "; a customer-hour is never sent under both ProductCode and LicenseArn");
      }
    }
    IdentityChange change = new IdentityChange(current(), to, migratedAt, effectiveFrom);
    changes.add(change);
    return change;
  }

  public List<IdentityChange> changes() {
    return List.copyOf(changes);
  }
}
