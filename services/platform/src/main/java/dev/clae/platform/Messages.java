package dev.clae.platform;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Decoding of consumed records with the checks every consumer makes. */
public final class Messages {
  /** Messages larger than this are rejected before parsing. */
  public static final int MAX_MESSAGE_BYTES = 4 << 20;

  private Messages() {}

  /**
   * Parses a record's value.
   *
   * @throws RejectedMessageException when the value is empty, oversized or not a valid message
   */
  public static <T extends Message> T parse(Parser<T> parser, ConsumerRecord<String, byte[]> r) {
    byte[] v = r.value();
    if (v == null || v.length == 0) {
      throw new RejectedMessageException("empty message");
    }
    if (v.length > MAX_MESSAGE_BYTES) {
      throw new RejectedMessageException(
          "oversized message: " + v.length + " bytes, limit " + MAX_MESSAGE_BYTES);
    }
    try {
      return parser.parseFrom(v);
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedMessageException("not a valid message: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that a run id is present and safe to use in object keys.
   *
   * @throws RejectedMessageException otherwise
   */
  public static String runId(String id) {
    if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new RejectedMessageException("missing or malformed run id '" + id + "'");
    }
    return id;
  }

  /** Returns the record key of a batch message. */
  public static String batchKey(String runId, long batchId) {
    return runId + "/" + batchId;
  }
}
