package dev.hourmeter.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cli.md, the client commands' reference, names every command and every option they take. */
class CliReferenceTest {

  @Test
  void everyCommandAndOptionIsInTheReference() throws IOException {
    String reference = Files.readString(Path.of("..", "docs", "cli.md"));
    Map<String, CommandLine> commands = StarterMain.commandLine(Map.of()).getSubcommands();
    assertThat(commands.keySet())
        .containsExactlyInAnyOrder(
            "start", "usage", "status", "unsubscribe", "list", "migrate", "help");
    commands.forEach(
        (name, command) -> {
          if (name.equals("help")) {
            return;
          }
          assertThat(reference)
              .as("docs/cli.md has a section on %s", name)
              .contains("## `" + name + "`");
          for (var option : command.getCommandSpec().options()) {
            assertThat(reference)
                .as("docs/cli.md documents %s %s", name, option.longestName())
                .contains("`" + option.longestName());
          }
        });
  }
}
