package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.checkpoint.CarriedUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageBookTest {

  private static final PeriodCalendar HOURLY = new PeriodCalendar(Duration.ofHours(1));
  private static final Instant H10 = Instant.parse("2026-11-26T10:00:00Z");
  private static final Instant H11 = Instant.parse("2026-11-26T11:00:00Z");
  private static final Instant H12 = Instant.parse("2026-11-26T12:00:00Z");

  @Test
  void usageOfAnUnsealedPeriodStaysInItsPeriod() {
    UsageBook book = new UsageBook(HOURLY, HOURLY.previous(H10), 10);
    book.add("requests", q(3), H10);
    book.add("requests", q(4), H10);
    book.add("storage", q(1), H11);

    assertThat(book.pendingFor(H10)).isEqualTo(Map.of("requests", q(7)));
    assertThat(book.pendingFor(H11)).isEqualTo(Map.of("storage", q(1)));
    assertThat(book.carried()).isEmpty();
  }

  @Test
  void usageOfASealedPeriodIsCarriedToTheOldestUnsealedPeriod() {
    UsageBook book = new UsageBook(HOURLY, HOURLY.previous(H10), 10);
    book.add("requests", q(5), H10);
    assertThat(book.seal(H10)).isEqualTo(Map.of("requests", q(5)));

    UsageBook.Placement placement = book.add("requests", q(2), H10);

    assertThat(placement).isEqualTo(new UsageBook.Placement(H11, true));
    assertThat(book.pendingFor(H11)).isEqualTo(Map.of("requests", q(2)));
    assertThat(book.carried())
        .containsExactly(new CarriedUsage("requests", q(2), H10, H11, CarriedUsage.LATE));
  }

  @Test
  void carryForwardMovesAWholePeriodAndRecordsWhy() {
    UsageBook book = new UsageBook(HOURLY, HOURLY.previous(H10), 10);
    book.add("requests", q(5), H10);
    book.add("requests", q(1), H11);

    book.carryForward(H10, H11, CarriedUsage.OUT_OF_WINDOW);

    assertThat(book.pendingFor(H10)).isEmpty();
    assertThat(book.pendingFor(H11)).isEqualTo(Map.of("requests", q(6)));
    assertThat(book.carried())
        .extracting(CarriedUsage::reason)
        .containsExactly(CarriedUsage.OUT_OF_WINDOW);
  }

  @Test
  void overflowIsTakenOnce() {
    UsageBook book = new UsageBook(HOURLY, HOURLY.previous(H10), 10);
    book.addOverflow("requests", q(10), H10);
    assertThat(book.takeOverflow()).isEqualTo(Map.of("requests", q(10)));
    assertThat(book.takeOverflow()).isEmpty();
    assertThat(book.carried()).extracting(CarriedUsage::toPeriod).containsExactly(H11);
  }

  @Test
  void restoreKeepsEverythingPending() {
    UsageBook book = new UsageBook(HOURLY, H10, 10);
    book.add("requests", q(5), H12);
    book.add("requests", q(1), H10); // carried to 11:00
    book.addOverflow("storage", q(3), H10);

    UsageBook restored =
        UsageBook.restore(
            HOURLY,
            book.sealedThrough(),
            book.pending(),
            book.overflow(),
            book.carried(),
            10,
            List.of(),
            List.of());

    assertThat(restored.pending()).isEqualTo(book.pending());
    assertThat(restored.overflow()).isEqualTo(Map.of("storage", q(3)));
    assertThat(restored.carried()).isEqualTo(book.carried());
    assertThat(restored.add("requests", q(1), H10).carried()).isTrue();
  }

  @Test
  void decimalUsageAddsExactlyAndComparesByValue() {
    UsageBook book = new UsageBook(HOURLY, HOURLY.previous(H10), 10);
    book.add("requests", new BigDecimal("0.25"), H10);
    book.add("requests", new BigDecimal("17.42"), H10);
    book.add("requests", new BigDecimal("3.000"), H10);

    assertThat(book.pendingFor(H10)).isEqualTo(Map.of("requests", new BigDecimal("20.67")));
    book.add("requests", new BigDecimal("0.33"), H10);
    assertThat(book.pendingFor(H10))
        .as("trailing zeros stripped")
        .isEqualTo(Map.of("requests", q(21)));
  }

  @Test
  void sumsBeyondLongDoNotWrapAround() {
    UsageBook book = new UsageBook(HOURLY, HOURLY.previous(H10), 10);
    book.add("requests", q(Long.MAX_VALUE), H10);
    book.add("requests", q(5), H10);

    assertThat(book.pendingFor(H10).get("requests"))
        .isEqualTo(BigDecimal.valueOf(Long.MAX_VALUE).add(BigDecimal.valueOf(5)));
  }

  private static BigDecimal q(long value) {
    return BigDecimal.valueOf(value);
  }
}
