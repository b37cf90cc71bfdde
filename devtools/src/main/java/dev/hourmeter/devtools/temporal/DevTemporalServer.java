package dev.hourmeter.devtools.temporal;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.testserver.TestServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * temporal-testing's in-process Temporal server, port-bound and in real time (time skipping
 * locked), as {@code TestServer.createPortBoundServer(port, true)} builds it, but bound to the
 * loopback interface only. If the SDK's internal classes this needs ever change, it falls back to
 * {@code createPortBoundServer} (which binds every interface).
 */
public final class DevTemporalServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DevTemporalServer.class);

  private final Closeable services;
  private final Server server;

  private DevTemporalServer(Closeable services, Server server) {
    this.services = services;
    this.server = server;
  }

  public static DevTemporalServer start(int port) {
    try {
      return startOnLoopback(port);
    } catch (LinkageError e) {
      log.warn(
          "binding the dev server to 127.0.0.1 is not supported by this Temporal SDK ({}); it listens on "
              + "every interface",
          e.toString());
      return new DevTemporalServer(TestServer.createPortBoundServer(port, true), null);
    }
  }

  private static DevTemporalServer startOnLoopback(int port) {
    TestServicesStarter services = new TestServicesStarter(true, 0);
    ServerBuilder<?> builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    try {
      return new DevTemporalServer(services, builder.build().start());
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException(
          "cannot start the dev Temporal server on 127.0.0.1:" + port, e);
    }
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.shutdown();
      try {
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
          server.shutdownNow();
        }
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    services.close();
  }
}
