package dev.clae.platform;

import com.google.protobuf.ByteString;
import dev.clae.proto.Payload;
import java.util.zip.CRC32C;

/**
 * Bytes that travel in a Kafka message when small and through the object store when not (the
 * claim-check pattern): the message then holds the object key, the size and a CRC-32C that the
 * reader checks.
 */
public final class Payloads {
  private Payloads() {}

  /**
   * Wraps bytes: inline when at most {@code inlineMax}, else stored under {@code key}.
   *
   * @param store where large payloads go
   */
  public static Payload wrap(byte[] data, int inlineMax, String key, ObjectStore store) {
    Payload.Builder p = Payload.newBuilder().setSizeBytes(data.length).setCrc32C(crc(data));
    if (data.length <= inlineMax) {
      return p.setInline(ByteString.copyFrom(data)).build();
    }
    store.put(key, data);
    return p.setObjectKey(key).build();
  }

  /**
   * Returns a payload's bytes.
   *
   * @throws RejectedMessageException when it has no bytes, the wrong size or checksum, or its
   *     object is gone
   */
  public static byte[] read(Payload p, ObjectStore store) {
    byte[] data;
    switch (p.getLocationCase()) {
      case INLINE -> data = p.getInline().toByteArray();
      case OBJECT_KEY -> {
        data =
            store
                .find(p.getObjectKey())
                .orElseThrow(
                    () ->
                        new RejectedMessageException(
                            "claim-checked payload " + store.uri(p.getObjectKey()) + " is gone"));
      }
      default -> throw new RejectedMessageException("payload has neither bytes nor an object key");
    }
    if (data.length != p.getSizeBytes()) {
      throw new RejectedMessageException(
          "payload is " + data.length + " bytes, the message says " + p.getSizeBytes());
    }
    if (crc(data) != p.getCrc32C()) {
      throw new RejectedMessageException("payload checksum mismatch");
    }
    return data;
  }

  /** Returns the CRC-32C of bytes as an unsigned 32-bit value. */
  public static int crc(byte[] data) {
    CRC32C c = new CRC32C();
    c.update(data);
    return (int) c.getValue();
  }
}
