package dev.tokensmith.web;

import static dev.tokensmith.errors.ValidationException.Code.INVALID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokensmith.access.Caller;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.errors.ValidationException;
import dev.tokensmith.storage.BlockingNotAllowed;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What an {@code *Api} handler sees of a request, on a worker thread: the authenticated caller
 * (established on first use), the JSON body and the query string (both read as {@link Params}),
 * path parameters and headers.
 */
public final class Request {
  /** The Console session cookie's name. */
  public static final String SESSION_COOKIE = "tks_session";

  private static final String TOKEN_HEADER = "X-WallarmApi-Token";
  private static final String AUTHORIZATION = "Authorization";

  private final HttpServerRequest http;
  private final Buffer rawBody;
  private final UnaryOperator<String> pathParams;
  private final Authentication authenticator;
  private final ObjectMapper json;
  private final ClientAddress clientAddress;
  private String ip;
  private boolean onEventLoop;
  private Caller caller;
  private JsonBody body;
  private Params query;

  /**
   * @param rawBody the body as received (null when there is none)
   * @param pathParams a path parameter's value by name, or null
   */
  Request(
      HttpServerRequest http,
      Buffer rawBody,
      UnaryOperator<String> pathParams,
      Authentication authenticator,
      ObjectMapper json,
      ClientAddress clientAddress,
      boolean onEventLoop) {
    this.http = http;
    this.rawBody = rawBody;
    this.pathParams = pathParams;
    this.authenticator = authenticator;
    this.json = json;
    this.clientAddress = clientAddress;
    this.onEventLoop = onEventLoop;
  }

  /**
   * The caller; 401 (or 429) when the request carries no valid credential. On an event loop only
   * memory is consulted: a caller that needs the database throws {@link BlockingNotAllowed}, and
   * the request moves to the worker pool.
   */
  public Caller caller() {
    if (caller == null) {
      caller =
          onEventLoop
              ? authenticator.authenticateCached(credentials()).orElseThrow(BlockingNotAllowed::new)
              : authenticator.authenticate(credentials());
    }
    return caller;
  }

  /**
   * The caller of the node registration endpoint, where a token made for registering nodes is
   * accepted; 401 (or 429) otherwise, a session included.
   */
  public Caller nodeRegistrationCaller() {
    if (caller == null) {
      caller = authenticator.authenticateNodeRegistration(credentials());
    }
    return caller;
  }

  /**
   * Counts a credential of this request that failed to authenticate (one this class does not read
   * itself) and returns the error to answer with: 401, or 429 once the address failed too often.
   */
  public ServiceException authenticationFailed() {
    return authenticator.failed(ip());
  }

  /**
   * Who made the request, for the access log: {@code token:<id>} or {@code user:<id>} once a
   * credential was checked, else null. Ids only, never a secret or an e-mail.
   */
  String callerLabel() {
    Caller known = caller;
    if (known == null) {
      return null;
    }
    if (known.token() != null) {
      return "token:" + known.token().id();
    }
    return known.user() == null ? null : "user:" + known.user().id();
  }

  void leaveEventLoop() {
    onEventLoop = false;
  }

  /**
   * The credentials as found in the headers and cookie (never in the query string). A request with
   * two tokens — the token header twice, two {@code Authorization} headers, or the token header and
   * a bearer token, even equal — is 400: which one counts must not depend on which is read first (a
   * proxy may have added one). A token with the session cookie is fine: the token wins, since
   * browsers send cookies on their own.
   */
  public Credentials credentials() {
    String token = http.getHeader(TOKEN_HEADER);
    String authorization = http.getHeader(AUTHORIZATION);
    // Only a request that carries the header pays for the list.
    if (token != null && http.headers().getAll(TOKEN_HEADER).size() > 1) {
      throw ValidationException.of(TOKEN_HEADER, INVALID, null);
    }
    if (authorization != null && http.headers().getAll(AUTHORIZATION).size() > 1) {
      throw ValidationException.of(AUTHORIZATION, INVALID, null);
    }
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      if (token != null) {
        throw ValidationException.of(TOKEN_HEADER, INVALID, null);
      }
      token = authorization.substring(7).trim();
    }
    HttpMethod method = http.method();
    boolean changing = method != HttpMethod.GET && method != HttpMethod.HEAD;
    if (token != null) {
      // First found wins: with a token, the legacy pair and the session cookie are never looked at.
      return new Credentials(token, null, null, null, null, changing, ip());
    }
    return new Credentials(
        null,
        http.getHeader("X-WallarmAPI-UUID"),
        http.getHeader("X-WallarmAPI-Secret"),
        sessionCookie().orElse(null),
        http.getHeader("X-CSRF-Token"),
        changing,
        ip());
  }

  public Optional<String> sessionCookie() {
    return Optional.ofNullable(http.getCookie(SESSION_COOKIE)).map(Cookie::getValue);
  }

  /** The host and port the request was sent to (its Host header), or null. */
  public String authority() {
    return http.authority() == null ? null : http.authority().toString();
  }

  /** A cookie's value, when the request carries it. */
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(http.getCookie(name)).map(Cookie::getValue);
  }

  /** The query string's parameters. */
  public Params query() {
    if (query == null) {
      query = new QueryParams(http);
    }
    return query;
  }

  /** The JSON object body; 400 when it is not one. */
  public JsonBody body() {
    if (body == null) {
      body = JsonBody.parse(json, rawBody);
    }
    return body;
  }

  /** A path parameter that must be an id; 404 when it is not a positive number. */
  public long pathId(String name) {
    String raw = pathParams.apply(name);
    if (raw == null
        || raw.isEmpty()
        || raw.length() > 16
        || !raw.chars().allMatch(Character::isDigit)) {
      throw ServiceException.notFound();
    }
    long id = Long.parseLong(raw);
    if (id < 1) {
      throw ServiceException.notFound();
    }
    return id;
  }

  /**
   * A path parameter that must be a UUID (a delivery id, in lower case); 404 when it is not one.
   */
  public String pathUuid(String name) {
    String raw = pathParams.apply(name);
    if (raw == null
        || !raw.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
      throw ServiceException.notFound();
    }
    return raw;
  }

  /** A request header, or null. */
  public String header(String name) {
    return http.getHeader(name);
  }

  /** Every value of a request header, in the order sent; empty when absent. */
  public List<String> headers(String name) {
    return http.headers().getAll(name);
  }

  /** The caller's address (the peer, or the forwarded client address behind a trusted proxy). */
  public String ip() {
    if (ip == null) {
      ip = clientAddress.of(http);
    }
    return ip;
  }
}
