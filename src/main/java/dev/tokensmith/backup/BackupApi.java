package dev.tokensmith.backup;

import dev.tokensmith.web.Api;
import dev.tokensmith.web.Reply;
import dev.tokensmith.web.Routes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The local admin channel's one endpoint, {@code POST /backup}, served on the loopback address only
 * (never on the API's port): backs the embedded database up into the data folder and answers where.
 * Answers only a request that carries the channel's key in {@value #KEY_HEADER}.
 */
public final class BackupApi implements Api {
  /** The header that carries the channel's key. */
  public static final String KEY_HEADER = "X-Tokensmith-Channel-Key";

  private final Backups backups;
  private final byte[] key;

  /**
   * @param key the channel's key ({@link AdminChannel#newKey})
   */
  public BackupApi(Backups backups, String key) {
    this.backups = backups;
    this.key = key.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void routes(Routes routes) {
    routes.publicPost(
        "/backup",
        request -> {
          String sent = request.header(KEY_HEADER);
          if (sent == null || !MessageDigest.isEqual(key, sent.getBytes(StandardCharsets.UTF_8))) {
            return Reply.of(401, "Unauthorized");
          }
          Backups.Snapshot snapshot = backups.take();
          return Map.of("file", snapshot.file().toString(), "bytes", snapshot.bytes());
        });
  }
}
