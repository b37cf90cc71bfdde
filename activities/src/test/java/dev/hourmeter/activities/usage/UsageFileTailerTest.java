package dev.hourmeter.activities.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageFileTailerTest {

  @TempDir Path dir;

  private Path file;
  private UsageFileTailer tailer;

  private List<String> catchUp() throws IOException {
    List<String> lines = new ArrayList<>();
    tailer.catchUp(
        (number, bytes, offset, length) ->
            lines.add(number + ":" + new String(bytes, offset, length, StandardCharsets.UTF_8)));
    return lines;
  }

  private void append(String text) throws IOException {
    Files.writeString(
        file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private void open() {
    file = dir.resolve("usage.jsonl");
    tailer = new UsageFileTailer(file);
  }

  @AfterEach
  void close() throws IOException {
    tailer.close();
  }

  @Test
  void handsOverOnlyNewCompleteLines() throws IOException {
    open();
    assertThat(tailer.catchUp((n, b, o, l) -> {})).isFalse();
    append("a\nb\npart");
    assertThat(catchUp()).containsExactly("1:a", "2:b");
    assertThat(tailer.offset()).isEqualTo(4);
    assertThat(catchUp()).isEmpty();
    append("ial\nc\n");
    assertThat(catchUp()).containsExactly("3:partial", "4:c");
    assertThat(catchUp()).isEmpty();
  }

  @Test
  void aLineLongerThanTheBufferIsWhole() throws IOException {
    open();
    String longLine = "x".repeat(200_000);
    append(longLine);
    assertThat(catchUp()).isEmpty();
    append("\nshort\n");
    assertThat(catchUp()).containsExactly("1:" + longLine, "2:short");
  }

  @Test
  void rotationReadsTheOldFileToItsEndThenTheNewOneFromItsStart() throws IOException {
    open();
    append("a\n");
    assertThat(catchUp()).containsExactly("1:a");
    append("b\nlast-unterminated");
    // logrotate without copytruncate: the file is moved away and a new one created.
    Files.move(file, dir.resolve("usage.jsonl.1"), StandardCopyOption.ATOMIC_MOVE);
    append("c\n");
    assertThat(catchUp()).containsExactly("2:b", "3:last-unterminated", "1:c");
    append("d\n");
    assertThat(catchUp()).containsExactly("2:d");
  }

  @Test
  void aFileMovedAwayIsStillReadToItsEndUntilANewOneAppears() throws IOException {
    open();
    append("a\n");
    catchUp();
    append("b\n");
    Files.move(file, dir.resolve("usage.jsonl.1"), StandardCopyOption.ATOMIC_MOVE);
    assertThat(catchUp()).containsExactly("2:b");
    append("c\n");
    assertThat(catchUp()).containsExactly("1:c");
  }

  @Test
  void truncationRestartsFromTheStart() throws IOException {
    open();
    append("first line\nsecond line\n");
    assertThat(catchUp()).hasSize(2);
    // copytruncate: same file, emptied, then written again.
    Files.writeString(file, "new\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    assertThat(catchUp()).containsExactly("1:new");
    append("more\n");
    assertThat(catchUp()).containsExactly("2:more");
  }
}
