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
  void signsTravelAsOneBitAPixelPlusZeroPositions() {
    // 64 pixels alternating +1, -1 from +1, with one exact zero at pixel 37.
    float[] sign = new float[64];
    for (int i = 0; i < 64; i++) {
      sign[i] = i % 2 == 0 ? 1 : -1;
    }
    sign[37] = 0;
    WireCodec.Signs s = WireCodec.signs(sign);
    // Bits (LSB first): even pixels positive, so every byte is 0b01010101.
    assertEquals(8, s.positiveBits().size());
    assertEquals(0b01010101, s.positiveBits().byteAt(0) & 0xFF);
    assertEquals(List.of(37L), s.zeroIndex());
    assertTrue(s.zeroBits().isEmpty());
    assertArrayEquals(
        sign, WireCodec.signs(s.positiveBits(), s.zeroIndex(), s.zeroBits(), sign.length));
  }

  @Test
  void manyZerosTravelAsASecondBitmap() {
    float[] sign = {1, -1, -1, 1, 0, 1, 1, -1, 1, 0};
    WireCodec.Signs s = WireCodec.signs(sign);
    // Two zeros would cost up to 8 bytes as positions, more than the 2-byte bitmap.
    assertEquals(0b01101001, s.positiveBits().byteAt(0) & 0xFF);
    assertEquals(0b00000001, s.positiveBits().byteAt(1) & 0xFF);
    assertEquals(List.of(), s.zeroIndex());
    assertEquals(0b00010000, s.zeroBits().byteAt(0) & 0xFF);
    assertEquals(0b00000010, s.zeroBits().byteAt(1) & 0xFF);
    assertArrayEquals(
        sign, WireCodec.signs(s.positiveBits(), s.zeroIndex(), s.zeroBits(), sign.length));
    // An all-zero gradient (a saturated loss) of 100,000 pixels: two bits a pixel, no more.
    float[] zeros = new float[100_000];
    WireCodec.Signs z = WireCodec.signs(zeros);
    assertEquals(25_000, z.positiveBits().size() + z.zeroBits().size() + 4 * z.zeroIndex().size());
    assertArrayEquals(
        zeros, WireCodec.signs(z.positiveBits(), z.zeroIndex(), z.zeroBits(), zeros.length));
  }

  @Test
  void inconsistentSignsAreRejected() {
    ByteString two = ByteString.copyFrom(new byte[2]);
    ByteString none = ByteString.EMPTY;
    assertThrows(RejectedMessageException.class, () -> WireCodec.signs(two, List.of(), none, 17));
    assertThrows(
        RejectedMessageException.class, () -> WireCodec.signs(two, List.of(16L), none, 16));
    ByteString three = ByteString.copyFrom(new byte[3]);
    RejectedMessageException size =
        assertThrows(
            RejectedMessageException.class, () -> WireCodec.signs(two, List.of(), three, 16));
    assertTrue(size.getMessage().contains("zero bits"), size.getMessage());
    RejectedMessageException both =
        assertThrows(
            RejectedMessageException.class, () -> WireCodec.signs(two, List.of(3L), two, 16));
    assertTrue(both.getMessage().contains("both"), both.getMessage());
  }
}
