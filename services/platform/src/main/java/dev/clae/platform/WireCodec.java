package dev.clae.platform;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The encodings of tensors on the wire.
 *
 * <ul>
 *   <li>Views: float32, little-endian, exact, so that the trainer sees the very values the
 *       augmenter made.
 *   <li>FGSM directions: {@code sign(grad)} is -1, 0 or +1, and zeros are rare, so it travels as
 *       one bit a pixel (set for +1) plus the list of zero positions: 32 times smaller than float32
 *       and exact. When zeros are many, a second bit a pixel marks them instead of the list, so a
 *       direction never costs more than two bits a pixel.
 * </ul>
 */
public final class WireCodec {
  private WireCodec() {}

  /** Encodes arrays one after the other as little-endian float32. */
  public static byte[] floats(float[]... arrays) {
    int n = 0;
    for (float[] a : arrays) {
      n += a.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] a : arrays) {
      b.asFloatBuffer().put(a);
      b.position(b.position() + a.length * 4);
    }
    return b.array();
  }

  /**
   * Decodes {@code count} float32 values starting at value {@code first}.
   *
   * @throws RejectedMessageException when the bytes are too short
   */
  public static float[] floats(byte[] data, int first, int count) {
    long need = 4L * ((long) first + count);
    if (data.length < need) {
      throw new RejectedMessageException(
          "payload of " + data.length + " bytes is too short for " + (first + count) + " floats");
    }
    float[] out = new float[count];
    ByteBuffer.wrap(data, first * 4, count * 4)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(out);
    return out;
  }

  /**
   * A sign tensor on the wire: the positive bits, and the zeros either as positions or (when that
   * is smaller) as a bitmap like the positive bits; the other form is empty.
   */
  public record Signs(ByteString positiveBits, List<Long> zeroIndex, ByteString zeroBits) {}

  /** Encodes values in {-1, 0, +1} (anything positive counts as +1, anything negative -1). */
  public static Signs signs(float[] sign) {
    byte[] bits = new byte[(sign.length + 7) / 8];
    byte[] zeroBits = new byte[bits.length];
    List<Long> zeros = new ArrayList<>();
    for (int i = 0; i < sign.length; i++) {
      if (sign[i] > 0) {
        set(bits, i);
      } else if (sign[i] == 0) {
        zeros.add((long) i);
        set(zeroBits, i);
      }
    }
    // A position costs up to four bytes as a varint (below 2^28 pixels), the bitmap one byte for
    // eight pixels: past a quarter of that many zeros the bitmap is the smaller.
    if (zeros.size() * 4L > bits.length) {
      return new Signs(ByteString.copyFrom(bits), List.of(), ByteString.copyFrom(zeroBits));
    }
    return new Signs(ByteString.copyFrom(bits), zeros, ByteString.EMPTY);
  }

  /**
   * Decodes a sign tensor of {@code elements} values; {@code zeroBits} is empty when the zeros come
   * as positions.
   *
   * @throws RejectedMessageException when the bits do not match the element count, a zero position
   *     is out of range, or the zeros come in both forms
   */
  public static float[] signs(
      ByteString positiveBits, List<Long> zeroIndex, ByteString zeroBits, long elements) {
    if (elements < 0 || elements > Integer.MAX_VALUE || positiveBits.size() != (elements + 7) / 8) {
      throw new RejectedMessageException(
          "sign bits: " + positiveBits.size() + " bytes do not hold " + elements + " elements");
    }
    if (!zeroBits.isEmpty() && zeroBits.size() != positiveBits.size()) {
      throw new RejectedMessageException(
          "sign zero bits: " + zeroBits.size() + " bytes do not hold " + elements + " elements");
    }
    if (!zeroBits.isEmpty() && !zeroIndex.isEmpty()) {
      throw new RejectedMessageException("sign zeros given both as positions and as bits");
    }
    int n = (int) elements;
    float[] out = new float[n];
    byte[] bits = positiveBits.toByteArray();
    byte[] zeros = zeroBits.isEmpty() ? null : zeroBits.toByteArray();
    for (int i = 0; i < n; i++) {
      out[i] = zeros != null && isSet(zeros, i) ? 0f : isSet(bits, i) ? 1f : -1f;
    }
    for (long z : zeroIndex) {
      if (z < 0 || z >= n) {
        throw new RejectedMessageException("sign zero index " + z + " outside 0.." + (n - 1));
      }
      out[(int) z] = 0f;
    }
    return out;
  }

  /** Sets bit {@code i} of a little-endian packed bitmap. */
  private static void set(byte[] bitmap, int i) {
    bitmap[i >>> 3] |= (byte) (1 << (i & 7));
  }

  /** Returns bit {@code i} of a little-endian packed bitmap. */
  private static boolean isSet(byte[] bitmap, int i) {
    return (bitmap[i >>> 3] & (1 << (i & 7))) != 0;
  }
}
