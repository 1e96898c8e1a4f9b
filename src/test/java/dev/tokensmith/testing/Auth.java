package dev.tokensmith.testing;

import java.net.http.HttpRequest;

/** How a test request authenticates. */
public sealed interface Auth {
  Auth NONE = new None();

  void apply(HttpRequest.Builder request, boolean stateChanging);

  static Auth token(String secret) {
    return new Header("X-WallarmApi-Token", secret);
  }

  static Auth bearer(String secret) {
    return new Header("Authorization", "Bearer " + secret);
  }

  static Auth header(String name, String value) {
    return new Header(name, value);
  }

  /** A Console session: the cookie, and the CSRF header on changes. */
  record Session(String cookie, String csrf, long userId, long clientId) implements Auth {
    @Override
    public void apply(HttpRequest.Builder request, boolean stateChanging) {
      request.header("Cookie", "tks_session=" + cookie);
      if (stateChanging) {
        request.header("X-CSRF-Token", csrf);
      }
    }

    /** The same session without the CSRF header. */
    public Auth withoutCsrf() {
      return (Custom) (request, changing) -> request.header("Cookie", "tks_session=" + cookie);
    }
  }

  record Header(String name, String value) implements Auth {
    @Override
    public void apply(HttpRequest.Builder request, boolean stateChanging) {
      request.header(name, value);
    }
  }

  record None() implements Auth {
    @Override
    public void apply(HttpRequest.Builder request, boolean stateChanging) {}
  }

  /** Anything else a test wants to send. */
  non-sealed interface Custom extends Auth {}
}
