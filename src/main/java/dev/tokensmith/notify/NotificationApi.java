package dev.tokensmith.notify;

import dev.tokensmith.web.Api;
import dev.tokensmith.web.Routes;
import java.util.Map;

/**
 * Whether notices can go out: {@code GET /v2/notifications} tells administrators whether e-mail is
 * on (and from which address), for the Console's Settings.
 */
public final class NotificationApi implements Api {
  private final Mailer mailer;

  public NotificationApi(Mailer mailer) {
    this.mailer = mailer;
  }

  @Override
  public void routes(Routes routes) {
    routes.get("/v2/notifications", r -> Map.of("email", mailer.status(r.caller())));
  }
}
