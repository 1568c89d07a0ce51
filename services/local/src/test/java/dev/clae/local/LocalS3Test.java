package dev.clae.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real S3 server as its own JVM and drives it with the MinIO SDK. */
class LocalS3Test {
  private static final String ACCESS = "clae-test-access";
  private static final String SECRET = "clae-test-secret-key-1234";
  private static final long PART_SIZE = 5L * 1024 * 1024; // the smallest S3 multipart part

  @Test
  void storesAMultipartObjectAndReadsItBack(@TempDir Path dir) throws Exception {
    byte[] data = new byte[6 * 1024 * 1024 + 123]; // two parts: 5 MiB and the rest
    new Random(42).nextBytes(data);
    long pid;
    try (LocalS3 s3 = LocalS3.start(dir, ACCESS, SECRET)) {
      pid = s3.process().pid();
      MinioClient minio =
          MinioClient.builder().endpoint(s3.endpoint()).credentials(ACCESS, SECRET).build();
      try {
        minio.makeBucket(MakeBucketArgs.builder().bucket("clae").build());
        assertTrue(minio.bucketExists(BucketExistsArgs.builder().bucket("clae").build()));

        minio.putObject(
            PutObjectArgs.builder().bucket("clae").object("runs/r1/blob.bin").stream(
                    new ByteArrayInputStream(data), -1L, PART_SIZE)
                .contentType("application/octet-stream")
                .build());

        StatObjectResponse stat =
            minio.statObject(
                StatObjectArgs.builder().bucket("clae").object("runs/r1/blob.bin").build());
        assertEquals(data.length, stat.size());
        // A multipart upload's ETag is "<md5 of part md5s>-<number of parts>".
        assertTrue(stat.etag().endsWith("-2"), "multipart ETag: " + stat.etag());

        byte[] back;
        try (GetObjectResponse in =
            minio.getObject(
                GetObjectArgs.builder().bucket("clae").object("runs/r1/blob.bin").build())) {
          back = in.readAllBytes();
        }
        assertArrayEquals(data, back);

        List<String> listed = new ArrayList<>();
        for (Result<Item> r :
            minio.listObjects(
                ListObjectsArgs.builder().bucket("clae").prefix("runs/").recursive(true).build())) {
          listed.add(r.get().objectName() + ":" + r.get().size());
        }
        assertEquals(List.of("runs/r1/blob.bin:" + data.length), listed);
      } finally {
        minio.close();
      }
      String conf = Files.readString(dir.resolve("s3proxy.conf"), StandardCharsets.US_ASCII);
      assertTrue(conf.contains("s3proxy.identity=" + ACCESS));
      assertFalse(
          Files.readString(s3.process().log()).contains(SECRET), "the secret key is not logged");
    }
    assertFalse(
        ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "S3 process gone after close");
  }
}
