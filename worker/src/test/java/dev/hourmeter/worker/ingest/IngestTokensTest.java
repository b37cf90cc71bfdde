package dev.hourmeter.worker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IngestTokensTest {

  private static final String OLD = "old-token-0123456789";
  private static final String NEW = "new-token-0123456789";
  private static final String LIMITED = "limited-token-01234";

  private final IngestTokens tokens =
      IngestTokens.parse(
          "# rotation: both accepted\n" + OLD + "\n\n" + NEW + "\n" + LIMITED + " products=p-1,p-2",
          "tokens.txt");

  @Test
  void everyListedTokenIsKnownAndOthersAreNot() {
    assertThat(tokens.size()).isEqualTo(3);
    assertThat(tokens.identify(OLD).known()).isTrue();
    assertThat(tokens.identify(NEW).known()).isTrue();
    assertThat(tokens.identify(NEW + "x").known()).isFalse();
    assertThat(tokens.identify("").known()).isFalse();
    assertThat(tokens.identify(null).known()).isFalse();
  }

  @Test
  void aLimitedTokenMayReportOnlyItsProducts() {
    assertThat(tokens.identify(LIMITED).mayReport("p-1")).isTrue();
    assertThat(tokens.identify(LIMITED).mayReport("p-3")).isFalse();
    assertThat(tokens.identify(OLD).mayReport("p-3")).isTrue();
    assertThat(tokens.identify("unknown-token-000000").mayReport("p-1")).isFalse();
  }

  @Test
  void environmentEntriesAreSeparatedBySemicolonsAndNeverEchoed() {
    IngestTokens env = IngestTokens.parse(OLD + ";" + LIMITED + " products=p-9", "ENV");
    assertThat(env.size()).isEqualTo(2);
    assertThat(env.identify(LIMITED).mayReport("p-9")).isTrue();
    assertThat(env.toString()).isEqualTo("2 token(s)").doesNotContain(OLD);
    assertThatThrownBy(() -> IngestTokens.parse("short", "ENV"))
        .hasMessage("ENV entry 1: a token must have at least 16 characters")
        .message()
        .doesNotContain("short");
    assertThatThrownBy(() -> IngestTokens.parse(OLD + " product=p", "f"))
        .hasMessage("f entry 1: expected TOKEN or TOKEN products=P1,P2");
  }
}
