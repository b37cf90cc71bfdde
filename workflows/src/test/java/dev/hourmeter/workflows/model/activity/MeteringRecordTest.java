package dev.hourmeter.workflows.model.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourmeter.workflows.model.api.CustomerId;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MeteringRecordTest {

  private static final Instant HOUR = Instant.parse("2026-11-30T10:00:00Z");
  private static final CustomerId ACCOUNT = CustomerId.awsAccount("111122223333");
  private static final String LICENSE =
      "arn:aws:license-manager::123456789012:license/l-0123456789abcdef";
  private static final DataConverter CONVERTER = GlobalDataConverter.get();

  @Test
  void aWholeRecordSerializesExactlyAsBeforeAndOldJsonStillReads() {
    MeteringRecord record = new MeteringRecord(ACCOUNT, "requests", HOUR, 42);
    String json =
        CONVERTER.toPayload(record).orElseThrow().getData().toString(StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("quantityAsDecimal");

    String old =
        "{\"customer\":{\"customerIdentifier\":null,\"customerAwsAccountId\":\"111122223333\","
            + "\"licenseArn\":null},\"dimension\":\"requests\",\"timestamp\":\""
            + HOUR
            + "\",\"quantity\":42}";
    MeteringRecord read =
        CONVERTER.fromPayload(
            CONVERTER.toPayload(old).orElseThrow().toBuilder()
                .setData(com.google.protobuf.ByteString.copyFromUtf8(old))
                .build(),
            MeteringRecord.class,
            MeteringRecord.class);
    assertThat(read).isEqualTo(record);
    assertThat(read.quantityAsDecimal()).isNull();
  }

  @Test
  void fractionalUsageCarriesACanonicalDecimalAndRoundTrips() {
    MeteringRecord record = MeteringRecord.of(ACCOUNT, "gb", HOUR, new BigDecimal("17.4200"));
    assertThat(record.quantity()).isEqualTo(17);
    assertThat(record.quantityAsDecimal()).isEqualTo("17.42");
    assertThat(record.exactQuantity()).isEqualByComparingTo("17.42");
    MeteringRecord back =
        CONVERTER.fromPayload(
            CONVERTER.toPayload(record).orElseThrow(), MeteringRecord.class, MeteringRecord.class);
    assertThat(back).isEqualTo(record);

    MeteringRecord whole = MeteringRecord.of(ACCOUNT, "gb", HOUR, new BigDecimal("17.000"));
    assertThat(whole).isEqualTo(new MeteringRecord(ACCOUNT, "gb", HOUR, 17));
  }

  @Test
  void aDecimalAboveTheQuantityRangeKeepsItsExactValueUpToTheDecimalLimit() {
    MeteringRecord big =
        MeteringRecord.of(ACCOUNT, "gb", HOUR, new BigDecimal("9999999999.999999"));

    assertThat(big.quantityAsDecimal()).isEqualTo("9999999999.999999");
    assertThat(big.quantity())
        .as("capped: only QuantityAsDecimal goes on the wire")
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(big.exactQuantity()).isEqualByComparingTo("9999999999.999999");
  }

  @Test
  void decimalsBeyondWhatAwsTakesAreRefused() {
    assertThatThrownBy(() -> MeteringRecord.of(ACCOUNT, "gb", HOUR, new BigDecimal("0.0000001")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MeteringRecord.of(ACCOUNT, "gb", HOUR, new BigDecimal("-1.5")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MeteringRecord.of(ACCOUNT, "gb", HOUR, new BigDecimal("2147483648")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> MeteringRecord.of(ACCOUNT, "gb", HOUR, new BigDecimal("10000000000.5")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MeteringRecord(ACCOUNT, "gb", HOUR, 1, "1.50"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MeteringRecord(ACCOUNT, "gb", HOUR, 2, "1.5"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theKeyOfALicensedRecordNamesItsLicenseAndALegacyKeyIsUnchanged() {
    MeteringRecord legacy = new MeteringRecord(ACCOUNT, "requests", HOUR, 1);
    MeteringRecord licensed =
        new MeteringRecord(new CustomerId(null, "111122223333", LICENSE), "requests", HOUR, 1);
    assertThat(legacy.key()).isEqualTo("111122223333/requests/" + HOUR);
    assertThat(licensed.key()).isEqualTo("111122223333/requests/" + HOUR + "/" + LICENSE);
    assertThat(licensed.licensed()).isTrue();
    assertThat(legacy.licensed()).isFalse();
  }
}
