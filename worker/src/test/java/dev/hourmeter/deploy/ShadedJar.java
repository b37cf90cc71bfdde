package dev.hourmeter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

/** A runnable jar as built by {@code package}: its classes, and its main run in a process. */
public record ShadedJar(Path path) {

  /** A multi-release jar's entry for Java N: {@code META-INF/versions/N/} before the class path. */
  private static final Pattern VERSIONED = Pattern.compile("^META-INF/versions/\\d+/");

  /** A command in picocli's usage: two spaces, the name, then its description. */
  private static final Pattern COMMAND = Pattern.compile("^  (\\S+)\\s");

  /**
   * Every class file, as {@code a/b/C.class} (a multi-release entry without its version prefix).
   */
  public List<String> classes() throws IOException {
    try (JarFile jar = new JarFile(path.toFile())) {
      return jar.stream()
          .map(ZipEntry::getName)
          .filter(name -> name.endsWith(".class"))
          .map(name -> VERSIONED.matcher(name).replaceFirst(""))
          .toList();
    }
  }

  /** The text of entry {@code name}, or null when the jar has none. */
  public String text(String name) throws IOException {
    try (JarFile jar = new JarFile(path.toFile())) {
      ZipEntry entry = jar.getEntry(name);
      return entry == null
          ? null
          : new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The commands its main's {@code --help} lists, in order. */
  public List<String> commands() throws IOException, InterruptedException {
    List<String> commands = new ArrayList<>();
    boolean inCommands = false;
    for (String line : run("--help").lines().toList()) {
      if (line.equals("Commands:")) {
        inCommands = true;
      } else if (inCommands) {
        Matcher command = COMMAND.matcher(line);
        if (command.find()) {
          commands.add(command.group(1));
        }
      }
    }
    return commands;
  }

  /** {@code java -jar JAR ARGS}: its output (it must exit 0 within a minute). */
  public String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(path.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("hourmeter-jar", ".txt");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(process.isAlive()).as("%s still runs after 60 s: %s", command, output).isFalse();
      assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
