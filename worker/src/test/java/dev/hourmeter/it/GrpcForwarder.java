package dev.hourmeter.it;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A TCP port that forwards every unary gRPC call, as bytes, to {@code target} (here the time
 * skipping test environment's in-process server): lets a client that connects over TCP, as a
 * worker's does, reach that server, and lets a test decide when the port starts listening. The
 * caller's deadline travels with the call (gRPC's context); metadata does not.
 */
final class GrpcForwarder implements AutoCloseable {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final Server server;

  private GrpcForwarder(Server server) {
    this.server = server;
  }

  /** Listens on 127.0.0.1:{@code port} from now on. */
  static GrpcForwarder start(int port, Channel target) throws IOException {
    HandlerRegistry forwardAll =
        new HandlerRegistry() {
          @Override
          public ServerMethodDefinition<?, ?> lookupMethod(String method, String authority) {
            MethodDescriptor<byte[], byte[]> descriptor =
                MethodDescriptor.newBuilder(BYTES, BYTES)
                    .setFullMethodName(method)
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .build();
            return ServerMethodDefinition.create(
                descriptor,
                ServerCalls.asyncUnaryCall(
                    (request, response) ->
                        ClientCalls.asyncUnaryCall(
                            target.newCall(descriptor, CallOptions.DEFAULT), request, response)));
          }
        };
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .permitKeepAliveTime(1, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            // Listening again on a port it just closed (its connections may linger in TIME_WAIT).
            .withOption(ChannelOption.SO_REUSEADDR, true)
            .fallbackHandlerRegistry(forwardAll)
            .build()
            .start();
    return new GrpcForwarder(server);
  }

  /** Stops listening and cuts the connections it holds, as a server that goes away does. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
