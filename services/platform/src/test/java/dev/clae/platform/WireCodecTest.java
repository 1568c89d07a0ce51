package dev.clae.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {
  @Test
  void floatsRoundTripExactlyAndInOrder() {
    float[] a = {1.5f, -0f, Float.MIN_VALUE, 3.4e38f};
    float[] b = {-2.25f, 0.1f};
    byte[] bytes = WireCodec.floats(a, b);
    assertEquals(24, bytes.length);
    // 1.5f is 0x3FC00000: little-endian bytes 00 00 C0 3F.
    assertEquals((byte) 0xC0, bytes[2]);
    assertEquals((byte) 0x3F, bytes[3]);
    assertArrayEquals(a, WireCodec.floats(bytes, 0, 4));
    assertArrayEquals(b, WireCodec.floats(bytes, 4, 2));
  }

  @Test
  void shortPayloadIsRejected() {
    byte[] bytes = WireCodec.floats(new float[] {1f, 2f});
    RejectedMessageException e =
        assertThrows(RejectedMessageException.class, () -> WireCodec.floats(bytes, 1, 2));
    assertTrue(e.getMessage().contains("too short"), e.getMessage());
  }

  @Test
  void signsTravelAsOneBitAPixelPlusZeros() {
    float[] sign = {1, -1, -1, 1, 0, 1, 1, -1, 1, 0};
    WireCodec.Signs s = WireCodec.signs(sign);
    // Bits (LSB first): pixels 0,3,5,6 positive in byte 0 = 0b01101001; pixel 8 in byte 1.
    assertEquals(2, s.positiveBits().size());
    assertEquals(0b01101001, s.positiveBits().byteAt(0) & 0xFF);
    assertEquals(0b00000001, s.positiveBits().byteAt(1) & 0xFF);
    assertEquals(List.of(4L, 9L), s.zeroIndex());
    assertArrayEquals(sign, WireCodec.signs(s.positiveBits(), s.zeroIndex(), sign.length));
  }

  @Test
  void inconsistentSignsAreRejected() {
    ByteString two = ByteString.copyFrom(new byte[2]);
    assertThrows(RejectedMessageException.class, () -> WireCodec.signs(two, List.of(), 17));
    assertThrows(RejectedMessageException.class, () -> WireCodec.signs(two, List.of(16L), 16));
  }
}
