package dev.clae.platform;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's artifacts (run specs, weight snapshots, checkpoints, claim-checked batches,
 * reports) in one bucket of an S3-compatible store, through the MinIO SDK. The bucket is created
 * when missing. Keys are plain paths such as {@code runs/<run>/checkpoints/step-00000100.ckpt}.
 */
public final class ObjectStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);
  private static final long PART_SIZE = 16L << 20;

  private final MinioClient client;
  private final String bucket;
  private final String endpoint;

  private ObjectStore(MinioClient client, String bucket, String endpoint) {
    this.client = client;
    this.bucket = bucket;
    this.endpoint = endpoint;
  }

  /**
   * Connects with the {@code s3.*} settings and makes sure the bucket exists.
   *
   * @throws StoreException when the store cannot be reached or refuses the credentials
   */
  public static ObjectStore connect(Settings settings) {
    String endpoint = settings.get(Settings.S3_ENDPOINT);
    String bucket = settings.get(Settings.S3_BUCKET);
    String access = settings.get(Settings.S3_ACCESS_KEY);
    String secret = settings.get(Settings.S3_SECRET_KEY);
    if (access.isEmpty() || secret.isEmpty()) {
      throw new StoreException(
          "no S3 credentials: set CLAE_S3_ACCESS_KEY and CLAE_S3_SECRET_KEY (or their _FILE"
              + " variants naming mounted files)");
    }
    MinioClient client =
        MinioClient.builder()
            .endpoint(endpoint)
            .region(settings.get(Settings.S3_REGION))
            .credentials(access, secret)
            .build();
    ObjectStore store = new ObjectStore(client, bucket, endpoint);
    store.ensureBucket();
    return store;
  }

  private void ensureBucket() {
    try {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        LOG.info("created bucket {} at {}", bucket, endpoint);
      }
    } catch (ErrorResponseException e) {
      String code = e.errorResponse() == null ? "" : e.errorResponse().code();
      // Services start together: another one may have created it a moment ago.
      if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
        throw new StoreException(
            "object store " + endpoint + ": cannot create bucket " + bucket + ": " + code, e);
      }
    } catch (Exception e) {
      throw new StoreException(
          "object store " + endpoint + ": cannot check or create bucket " + bucket + ": " + e, e);
    }
  }

  /** Returns the bucket name. */
  public String bucket() {
    return bucket;
  }

  /** Returns {@code s3://<bucket>/<key>}. */
  public String uri(String key) {
    return "s3://" + bucket + "/" + key;
  }

  /** Stores bytes under a key, replacing what was there. */
  public void put(String key, byte[] data) {
    try (InputStream in = new ByteArrayInputStream(data)) {
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key).stream(
                  in, (long) data.length, PART_SIZE)
              .contentType("application/octet-stream")
              .build());
    } catch (Exception e) {
      throw new StoreException("cannot write " + uri(key) + ": " + e, e);
    }
  }

  /** Uploads a file under a key, in parts when it is large. */
  public void putFile(String key, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key).stream(in, Files.size(file), PART_SIZE)
              .build());
    } catch (Exception e) {
      throw new StoreException("cannot upload " + file + " to " + uri(key) + ": " + e, e);
    }
  }

  /**
   * Returns the bytes under a key.
   *
   * @throws StoreException when the object is missing or cannot be read
   */
  public byte[] get(String key) {
    return find(key).orElseThrow(() -> new StoreException("no object " + uri(key)));
  }

  /** Returns the bytes under a key, or empty when there is no such object. */
  public Optional<byte[]> find(String key) {
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return Optional.of(in.readAllBytes());
    } catch (ErrorResponseException e) {
      if (missing(e)) {
        return Optional.empty();
      }
      throw new StoreException("cannot read " + uri(key) + ": " + e, e);
    } catch (Exception e) {
      throw new StoreException("cannot read " + uri(key) + ": " + e, e);
    }
  }

  /** Downloads a key to a file (through a temporary file, so a partial download never shows). */
  public void getFile(String key, Path file) {
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".part");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (Exception e) {
      throw new StoreException("cannot download " + uri(key) + " to " + file + ": " + e, e);
    }
  }

  /** Returns whether an object exists. */
  public boolean exists(String key) {
    try {
      client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
      return true;
    } catch (ErrorResponseException e) {
      if (missing(e)) {
        return false;
      }
      throw new StoreException("cannot stat " + uri(key) + ": " + e, e);
    } catch (Exception e) {
      throw new StoreException("cannot stat " + uri(key) + ": " + e, e);
    }
  }

  /** Returns every key under a prefix, sorted. */
  public List<String> list(String prefix) {
    List<String> keys = new ArrayList<>();
    try {
      Iterable<Result<Item>> items =
          client.listObjects(
              ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build());
      for (Result<Item> r : items) {
        keys.add(r.get().objectName());
      }
    } catch (Exception e) {
      throw new StoreException("cannot list " + uri(prefix) + ": " + e, e);
    }
    keys.sort(null);
    return keys;
  }

  /** Deletes an object; deleting a missing one is not an error. */
  public void delete(String key) {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw new StoreException("cannot delete " + uri(key) + ": " + e, e);
    }
  }

  private static boolean missing(ErrorResponseException e) {
    String code = e.errorResponse() == null ? "" : e.errorResponse().code();
    return "NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NotFound".equals(code);
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception e) {
      LOG.debug("closing the MinIO client: {}", e.toString());
    }
  }
}
