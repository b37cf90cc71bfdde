package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.workflows.model.activity.MeteringRecord;
import dev.hourmeter.workflows.model.api.CustomerId;
import dev.hourmeter.workflows.model.api.IdentityMigration;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which identity each period's records carry, and how a migration request stands. */
class IdentityHistoryTest {

  private static final String ACCOUNT = "123456789012";
  private static final String ARN =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef0123456789abcdef";
  private static final String OTHER_ARN = ARN.replace("0123456789abcdef", "fedcba9876543210");
  private static final Instant H10 = Instant.parse("2026-11-26T10:00:00Z");
  private static final Instant H11 = Instant.parse("2026-11-26T11:00:00Z");

  @Test
  void periodsBeforeTheSwitchKeepTheLegacyIdentityAndLaterOnesCarryTheLicense() {
    IdentityHistory history = new IdentityHistory(CustomerId.legacy("cust-1"), List.of());
    IdentityMigration request = new IdentityMigration(ACCOUNT, ARN);
    assertThat(history.verdict(request)).isEqualTo(IdentityHistory.Verdict.MIGRATE);
    assertThat(history.currentSince()).isNull();

    history.migrate(request.customer(), H10.plusSeconds(2400), H11);

    assertThat(history.customerFor(H10)).isEqualTo(CustomerId.legacy("cust-1"));
    assertThat(history.customerFor(H11)).isEqualTo(CustomerId.licensed(ACCOUNT, ARN));
    assertThat(history.customerFor(H11.plusSeconds(3600)).licenseArn()).isEqualTo(ARN);
    assertThat(history.current()).isEqualTo(CustomerId.licensed(ACCOUNT, ARN));
    assertThat(history.currentSince()).isEqualTo(H11);
    assertThat(history.verdict(request)).isEqualTo(IdentityHistory.Verdict.ALREADY);
    assertThat(history.verdict(new IdentityMigration(ACCOUNT, OTHER_ARN)))
        .isEqualTo(IdentityHistory.Verdict.CONFLICT);
    assertThat(history.conflict(new IdentityMigration("210987654321", OTHER_ARN)))
        .startsWith("licenseArn: this workflow already meters account " + ACCOUNT)
        .endsWith(OTHER_ARN + " of account 210987654321");
    assertThat(new IdentityHistory(CustomerId.legacy("cust-1"), history.changes()).current())
        .as("restored from the checkpoint")
        .isEqualTo(CustomerId.licensed(ACCOUNT, ARN));
  }

  @Test
  void aWorkflowStartedLicensedIsAlreadyMigratedToItsOwnLicenseOnly() {
    IdentityHistory history = new IdentityHistory(CustomerId.licensed(ACCOUNT, ARN), List.of());
    assertThat(history.verdict(new IdentityMigration(ACCOUNT, ARN)))
        .isEqualTo(IdentityHistory.Verdict.ALREADY);
    assertThat(history.verdict(new IdentityMigration(ACCOUNT, OTHER_ARN)))
        .isEqualTo(IdentityHistory.Verdict.CONFLICT);
    assertThat(
            new IdentityHistory(CustomerId.awsAccount(ACCOUNT), List.of())
                .verdict(new IdentityMigration(ACCOUNT, ARN)))
        .as("an unlicensed account may take a license")
        .isEqualTo(IdentityHistory.Verdict.MIGRATE);
  }

  @Test
  void theRequestNamesEachBadField() {
    assertThat(new IdentityMigration(ACCOUNT, ARN).problems()).isEmpty();
    assertThat(new IdentityMigration("12345678901a", "arn:nope").problems())
        .hasSize(2)
        .satisfiesExactly(
            p -> assertThat(p).startsWith("customerAwsAccountId: must be an AWS account id"),
            p -> assertThat(p).startsWith("licenseArn: must match AWS's LicenseArn pattern"));
    assertThat(new IdentityMigration(null, null).problems()).hasSize(2);
  }

  @Test
  void aChangeOfIdentityKindNeverReachesBackIntoASealedPeriod() {
    IdentityHistory history = new IdentityHistory(CustomerId.legacy("cust-1"), List.of());
    history.sealedThrough(() -> H11);
    CustomerId licensed = CustomerId.licensed(ACCOUNT, ARN);

    assertThatThrownBy(() -> history.migrate(licensed, H11.plusSeconds(600), H11))
        .as("11:00 was sent under the legacy identity")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never sent under both ProductCode and LicenseArn");
    assertThatThrownBy(() -> history.migrate(licensed, H11.plusSeconds(600), H10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(history.changes()).isEmpty();

    Instant h12 = H11.plusSeconds(3600);
    history.migrate(licensed, H11.plusSeconds(600), h12);
    assertThat(history.customerFor(H11)).isEqualTo(CustomerId.legacy("cust-1"));
    assertThat(history.customerFor(h12)).isEqualTo(licensed);
  }

  @Test
  void everyRecordGoesOutUnderItsHoursIdentityKind() {
    IdentityHistory history = new IdentityHistory(CustomerId.legacy("cust-1"), List.of());
    CustomerId licensed = CustomerId.licensed(ACCOUNT, ARN);
    history.migrate(licensed, H10.plusSeconds(2400), H11);
    CustomerId otherLicense = CustomerId.licensed(ACCOUNT, OTHER_ARN);
    MeteringRecord legacyAt10 = record(CustomerId.legacy("cust-1"), H10);
    MeteringRecord licensedAt10 = record(licensed, H10); // a re-send rebuilt with the current id
    MeteringRecord legacyAt11 = record(CustomerId.legacy("cust-1"), H11); // a carry planned old
    MeteringRecord licensedAt11 = record(licensed, H11);
    MeteringRecord otherLicenseAt11 = record(otherLicense, H11); // two licenses may share an hour

    IdentityHistory.Guarded guarded =
        history.inForce(
            List.of(legacyAt10, licensedAt10, legacyAt11, licensedAt11, otherLicenseAt11));

    assertThat(guarded.records())
        .extracting(MeteringRecord::customer)
        .containsExactly(
            CustomerId.legacy("cust-1"),
            CustomerId.legacy("cust-1"),
            licensed,
            licensed,
            otherLicense);
    assertThat(guarded.records()).allSatisfy(r -> assertThat(r.quantity()).isEqualTo(3));
    assertThat(guarded.reassigned()).containsExactly(licensedAt10, legacyAt11);
    assertThat(history.inForce(List.of(legacyAt10, licensedAt11, otherLicenseAt11)).reassigned())
        .isEmpty();
  }

  private static MeteringRecord record(CustomerId customer, Instant hour) {
    return MeteringRecord.of(customer, "requests", hour, BigDecimal.valueOf(3));
  }
}
