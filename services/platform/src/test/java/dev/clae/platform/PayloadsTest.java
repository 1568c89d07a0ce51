package dev.clae.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.clae.proto.Payload;
import org.junit.jupiter.api.Test;

class PayloadsTest {
  @Test
  void smallPayloadsTravelInlineAndAreChecked() {
    byte[] data = {1, 2, 3, 4, 5};
    Payload p = Payloads.wrap(data, 16, "unused", null);
    assertTrue(p.hasInline());
    assertArrayEquals(data, Payloads.read(p, null));
  }

  @Test
  void tamperedOrInconsistentPayloadsAreRejected() {
    Payload p = Payloads.wrap(new byte[] {1, 2, 3}, 16, "unused", null);
    Payload flipped = p.toBuilder().setInline(ByteString.copyFrom(new byte[] {1, 2, 4})).build();
    RejectedMessageException e =
        assertThrows(RejectedMessageException.class, () -> Payloads.read(flipped, null));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    Payload wrongSize = p.toBuilder().setSizeBytes(4).build();
    e = assertThrows(RejectedMessageException.class, () -> Payloads.read(wrongSize, null));
    assertTrue(e.getMessage().contains("3 bytes"), e.getMessage());
    Payload empty = Payload.newBuilder().build();
    assertThrows(RejectedMessageException.class, () -> Payloads.read(empty, null));
  }
}
