package dev.tokensmith.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The files of one folder of the jar, served from memory: each read once (on a worker thread),
 * compressed once with gzip when that makes it smaller, and answered with an {@code ETag} so that a
 * browser revalidating gets 304 and no body. Files under the folder's version segment ({@code
 * /console/swagger-ui/5.17.14/…}) never change under that name and are cached for a year; the rest
 * are revalidated on every use ({@code no-cache}), so a new release shows at once.
 *
 * <p>Only names of letters, digits, {@code . _ -} in folders of the same are served: no hidden
 * file, no way out of the folder, no listing.
 */
final class StaticFiles implements io.vertx.core.Handler<RoutingContext> {
  private static final Pattern NAME =
      Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";
  private static final String REVALIDATE = "no-cache";
  private static final int COMPRESS_FROM_BYTES = 512;
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("map", "application/json"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("png", "image/png"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff2", "font/woff2"));

  private final String mount;
  private final String root;
  private final String versionSegment;
  private final Map<String, Asset> assets = new ConcurrentHashMap<>();

  /** A file as it is served: its bytes, gzip'd bytes (null when not smaller), ETag and type. */
  private record Asset(byte[] plain, byte[] gzip, String etag, String type) {}

  /**
   * @param mount the path the folder is served at, ending in {@code /}
   * @param root the folder in the jar
   * @param versionSegment a first path segment that names an immutable version of the files (null:
   *     none)
   */
  StaticFiles(String mount, String root, String versionSegment) {
    this.mount = mount;
    this.root = root.endsWith("/") ? root : root + "/";
    this.versionSegment = versionSegment == null ? null : versionSegment + "/";
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String name = path.startsWith(mount) ? path.substring(mount.length()) : "";
    boolean versioned = versionSegment != null && name.startsWith(versionSegment);
    if (versioned) {
      name = name.substring(versionSegment.length());
    }
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      ctx.next();
      return;
    }
    Asset held = assets.get(name);
    String cacheControl = versioned ? IMMUTABLE : REVALIDATE;
    if (held != null) {
      send(ctx, Optional.of(held), cacheControl);
      return;
    }
    // Only files that exist are kept: names that do not cannot grow the map.
    String file = name;
    ctx.vertx()
        .executeBlocking(
            () -> {
              Optional<Asset> loaded = load(file);
              loaded.ifPresent(asset -> assets.putIfAbsent(file, asset));
              return loaded;
            },
            false)
        .onComplete(
            loaded -> {
              if (loaded.succeeded()) {
                send(ctx, loaded.result(), cacheControl);
              } else {
                ctx.fail(loaded.cause());
              }
            });
  }

  private void send(RoutingContext ctx, Optional<Asset> held, String cacheControl) {
    if (held.isEmpty()) {
      ctx.next();
      return;
    }
    Asset asset = held.get();
    HttpServerResponse response = ctx.response();
    response
        .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
        .putHeader(HttpHeaders.ETAG, asset.etag())
        .putHeader(HttpHeaders.VARY, "Accept-Encoding");
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), asset.etag())) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, asset.type());
    if (asset.gzip() != null && acceptsGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip").end(Buffer.buffer(asset.gzip()));
    } else {
      response.end(Buffer.buffer(asset.plain()));
    }
  }

  private Optional<Asset> load(String name) {
    byte[] plain;
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(root + name)) {
      if (in == null) {
        return Optional.empty();
      }
      plain = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String type = TYPES.getOrDefault(extension, "application/octet-stream");
    boolean text =
        type.startsWith("text/") || type.startsWith("application/json") || type.contains("svg");
    byte[] gzip = text && plain.length >= COMPRESS_FROM_BYTES ? gzip(plain) : null;
    if (gzip != null && gzip.length >= plain.length) {
      gzip = null;
    }
    return Optional.of(new Asset(plain, gzip, etag(plain), type));
  }

  // The same ETag for both encodings: a revalidation answers 304 whichever the client holds.
  private static String etag(byte[] bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\""
          + Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22)
          + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 3);
    try (GZIPOutputStream zip =
        new GZIPOutputStream(out) {
          {
            def.setLevel(Deflater.BEST_COMPRESSION);
          }
        }) {
      zip.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag) || tag.equals("*")) {
        return true;
      }
    }
    return false;
  }

  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] pieces = part.strip().split(";");
      if (!pieces[0].strip().equalsIgnoreCase("gzip")) {
        continue;
      }
      for (int i = 1; i < pieces.length; i++) {
        String parameter = pieces[i].strip().toLowerCase(Locale.ROOT);
        if (parameter.startsWith("q=") && parameter.substring(2).matches("0(\\.0{0,3})?")) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
