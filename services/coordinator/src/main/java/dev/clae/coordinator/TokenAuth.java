package dev.clae.coordinator;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Requires {@code authorization: Bearer <token>} on every call when the coordinator has an API
 * token; calls without it, or with another, fail with UNAUTHENTICATED. The comparison takes the
 * same time whatever the token offered, and neither token is ever logged.
 */
final class TokenAuth implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final byte[] expected;

  TokenAuth(String token) {
    this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String offered = headers.get(AUTHORIZATION);
    byte[] got = offered == null ? new byte[0] : offered.getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, got)) {
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              offered == null
                  ? "this coordinator requires an API token: authorization: Bearer <token>"
                  : "wrong API token"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
