package dev.tokensmith.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.storage.OwnerOnly;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A node instance's credential pair as the {@code tokensmith node} commands keep it: a small JSON
 * file ({@code url}, {@code uuid}, {@code secret}, {@code node_id}) readable by its owner only. The
 * token it was registered with is never written.
 */
public record NodeCredentials(String url, String uuid, String secret, long nodeId) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the file written by {@link #write}. */
  public static NodeCredentials read(Path file) throws IOException {
    JsonNode json = JSON.readTree(Files.readAllBytes(file));
    String uuid = json == null ? "" : json.path("uuid").asText("");
    String secret = json == null ? "" : json.path("secret").asText("");
    if (uuid.isEmpty() || secret.isEmpty() || !json.path("node_id").canConvertToLong()) {
      throw new IOException(file + " holds no credential pair (uuid, secret, node_id)");
    }
    return new NodeCredentials(
        json.path("url").asText(null), uuid, secret, json.path("node_id").asLong());
  }

  /**
   * Writes the pair to {@code file}: into a new file created owner-only in the same folder, then
   * moved into place in one step, so the file never exists half-written or with wider permissions.
   * An existing file is replaced.
   */
  public void write(Path file) throws IOException {
    Path target = file.toAbsolutePath().normalize();
    Path folder = target.getParent();
    Files.createDirectories(folder);
    Path partial = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    OwnerOnly.createFile(partial);
    try {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("url", url);
      fields.put("uuid", uuid);
      fields.put("secret", secret);
      fields.put("node_id", nodeId);
      byte[] bytes =
          (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(fields) + "\n")
              .getBytes(StandardCharsets.UTF_8);
      try (FileChannel channel =
          FileChannel.open(
              partial, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        channel.write(java.nio.ByteBuffer.wrap(bytes));
        channel.force(true);
      }
      try {
        Files.move(
            partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return "NodeCredentials[url=" + url + ", uuid=" + uuid + ", nodeId=" + nodeId + "]";
  }
}
