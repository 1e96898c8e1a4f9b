package dev.tokensmith.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.clients.Client;
import dev.tokensmith.testing.ServiceTier;
import dev.tokensmith.testing.Services;
import dev.tokensmith.testing.StatementLog;
import dev.tokensmith.tokens.TokenCommands.Create;
import dev.tokensmith.tokens.TokenService.Created;
import dev.tokensmith.users.User;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A new token's row is written once, its sealed secret included (its id is taken first), beside one
 * row for its value's lookup digest and its activity record; the secret then reads back.
 */
@ServiceTier
class TokenCreateWritesTest {
  @AutoClose static final Services services = new Services();

  private static final List<String> CREATE_WRITES =
      List.of("INSERT api_tokens", "INSERT api_token_secrets", "INSERT activity");

  private record Logged(Created created, StatementLog log) {}

  private static Logged create(User caller, Create cmd) {
    return services.db.inTransaction(
        () -> {
          StatementLog log = StatementLog.attach(services.db);
          return new Logged(services.tokens.create(services.caller(caller), cmd), log);
        });
  }

  @Test
  void createWhenPersonalThenTheTokenRowIsWrittenOnceWithItsSecret() {
    Client tenant = services.tenant();
    User owner = services.user(tenant, "admin");

    Logged personal = create(owner, TokenRequests.personal("analytic"));

    assertThat(personal.log().writes()).isEqualTo(CREATE_WRITES);
    assertThat(personal.log().all())
        .filteredOn(statement -> statement.contains("api_tokens"))
        .as("the one statement that touches the token's row")
        .singleElement()
        .satisfies(insert -> assertThat(insert).contains("secret_sealed"));
    assertThat(services.tokens.secret(services.caller(owner), personal.created().token().id()))
        .isEqualTo(personal.created().secret());
  }

  @Test
  void createWhenSharedThenTheSameWrites() {
    Client tenant = services.tenant();
    User admin = services.user(tenant, "admin");

    Logged shared = create(admin, TokenRequests.shared("admin"));

    assertThat(shared.log().writes()).isEqualTo(CREATE_WRITES);
    assertThat(services.tokens.secret(services.caller(admin), shared.created().token().id()))
        .isEqualTo(shared.created().secret());
    assertThat(services.caller(shared.created().secret()).token().id())
        .isEqualTo(shared.created().token().id());
  }
}
