package dev.hourmeter.workflows.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourmeter.workflows.model.CarriedUsage;
import java.time.Duration;
import java.time.Instant;
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
    book.add("requests", 3, H10);
    book.add("requests", 4, H10);
    book.add("storage", 1, H11);

    assertThat(book.pendingFor(H10)).isEqualTo(Map.of("requests", 7L));
    assertThat(book.pendingFor(H11)).isEqualTo(Map.of("storage", 1L));
    assertThat(book.carried()).isEmpty();
  }

  @Test
  void usageOfASealedPeriodIsCarriedToTheOldestUnsealedPeriod() {
    UsageBook book = new UsageBook(HOURLY, HOURLY.previous(H10), 10);
    book.add("requests", 5, H10);
    assertThat(book.seal(H10)).isEqualTo(Map.of("requests", 5L));

    UsageBook.Placement placement = book.add("requests", 2, H10);

    assertThat(placement).isEqualTo(new UsageBook.Placement(H11, true));
    assertThat(book.pendingFor(H11)).isEqualTo(Map.of("requests", 2L));
    assertThat(book.carried())
        .containsExactly(new CarriedUsage("requests", 2, H10, H11, CarriedUsage.LATE));
  }

  @Test
  void carryForwardMovesAWholePeriodAndRecordsWhy() {
    UsageBook book = new UsageBook(HOURLY, HOURLY.previous(H10), 10);
    book.add("requests", 5, H10);
    book.add("requests", 1, H11);

    book.carryForward(H10, H11, CarriedUsage.OUT_OF_WINDOW);

    assertThat(book.pendingFor(H10)).isEmpty();
    assertThat(book.pendingFor(H11)).isEqualTo(Map.of("requests", 6L));
    assertThat(book.carried())
        .extracting(CarriedUsage::reason)
        .containsExactly(CarriedUsage.OUT_OF_WINDOW);
  }

  @Test
  void overflowIsTakenOnce() {
    UsageBook book = new UsageBook(HOURLY, HOURLY.previous(H10), 10);
    book.addOverflow("requests", 10, H10);
    assertThat(book.takeOverflow()).isEqualTo(Map.of("requests", 10L));
    assertThat(book.takeOverflow()).isEmpty();
    assertThat(book.carried()).extracting(CarriedUsage::toPeriod).containsExactly(H11);
  }

  @Test
  void restoreKeepsEverythingPending() {
    UsageBook book = new UsageBook(HOURLY, H10, 10);
    book.add("requests", 5, H12);
    book.add("requests", 1, H10); // carried to 11:00
    book.addOverflow("storage", 3, H10);

    UsageBook restored =
        UsageBook.restore(
            HOURLY, book.sealedThrough(), book.pending(), book.overflow(), book.carried(), 10);

    assertThat(restored.pending()).isEqualTo(book.pending());
    assertThat(restored.overflow()).isEqualTo(Map.of("storage", 3L));
    assertThat(restored.carried()).isEqualTo(book.carried());
    assertThat(restored.add("requests", 1, H10).carried()).isTrue();
  }

  @Test
  void addingSaturatesInsteadOfOverflowingLong() {
    assertThat(UsageBook.saturatingAdd(Long.MAX_VALUE - 1, 5)).isEqualTo(Long.MAX_VALUE);
    assertThat(UsageBook.saturatingAdd(2, 3)).isEqualTo(5);
  }
}
