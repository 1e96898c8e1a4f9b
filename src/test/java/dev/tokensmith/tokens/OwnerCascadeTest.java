package dev.tokensmith.tokens;

import static dev.tokensmith.testing.Records.ids;
import static dev.tokensmith.testing.Records.permissions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.audit.Origin;
import dev.tokensmith.clients.Client;
import dev.tokensmith.testing.Records;
import dev.tokensmith.testing.ServiceTier;
import dev.tokensmith.testing.Services;
import dev.tokensmith.tokens.TokenService.Created;
import dev.tokensmith.users.Sso;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserChanges;
import dev.tokensmith.users.UserService;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What follows for a user's tokens when the user changes (T8, T9), in the user change's own
 * transaction: disabled with the owner and not brought back with them, narrowed with the owner's
 * role and written so, never widened again, deleted with the owner. Shared tokens act for their
 * client and do not follow the person who made them.
 */
@ServiceTier
class OwnerCascadeTest {
  @AutoClose static final Services services = new Services();
  static final TokenStore rows = new JdbcTokenStore(services.db, Records.CATALOGUE);
  static Client tenant;

  /** The tenant's administrator, who changes the other users. */
  static User manager;

  @BeforeAll
  static void world() {
    tenant = services.tenant();
    manager = services.user(tenant, "admin");
  }

  private static Created issue(User owner, String... permissions) {
    return services.tokens.create(services.caller(owner), TokenRequests.personal(permissions));
  }

  private static User update(User user, UserService.Update change) {
    return services.users.update(services.caller(manager), user.id(), change);
  }

  private static UserService.Update enabled(boolean enabled) {
    return new UserService.Update(null, null, enabled, null, null);
  }

  private static UserService.Update role(String... permissions) {
    return new UserService.Update(null, Records.grant(permissions), null, null, null);
  }

  /** The token's row as written. */
  private static ApiToken stored(Created token) {
    return rows.find(token.token().id()).orElseThrow();
  }

  private static List<String> both(String role, String other) {
    List<String> held = new ArrayList<>(ids(permissions(role)));
    held.retainAll(ids(permissions(other)));
    return held;
  }

  @Test
  void ownerRenamedWhenMoreTokensThanAStatementTakesThenEveryOneHoldsTheNewName() {
    User owner = services.user(tenant, "admin");
    User other = services.user(tenant, "admin");
    for (int i = 0; i < 5; i++) {
      issue(owner, "users:view");
    }
    issue(other, "users:view");
    TokenStore inPairs = new JdbcTokenStore(services.db, Records.CATALOGUE, 2, 2);

    services.db.inTransaction(() -> inPairs.ownerRenamed(owner.id(), "Renamed In Pairs"));

    assertThat(ownerNames(owner)).containsExactly("Renamed In Pairs");
    assertThat(ownerNames(other)).containsExactly(other.realname());
  }

  @Test
  void updateWhenOwnerRenamedThenTheirTokensHoldTheNewName() {
    User owner = services.user(tenant, "admin");
    issue(owner, "users:view");
    issue(owner, "admin");

    update(owner, new UserService.Update("Someone Else", null, null, null, null));

    assertThat(ownerNames(owner)).containsExactly("Someone Else");
  }

  // The distinct owner names the user's tokens hold.
  private static List<String> ownerNames(User owner) {
    return services.db.withHandle(
        h ->
            h.createQuery("SELECT DISTINCT owner_name FROM api_tokens WHERE user_id = :user")
                .bind("user", owner.id())
                .mapTo(String.class)
                .list());
  }

  @Test
  void updateWhenOwnerDisabledThenEveryPersonalTokenDisabledWithTheReason() {
    User owner = services.user(tenant, "admin");
    Created full = issue(owner, "admin");
    Created narrow = issue(owner, "users:view");
    Created shared = services.tokens.create(services.caller(owner), TokenRequests.shared("admin"));

    update(owner, enabled(false));

    for (Created token : List.of(full, narrow)) {
      assertThat(stored(token).enabled()).isFalse();
      assertThat(stored(token).state().disabledReason()).isEqualTo(DisabledReason.OWNER_DISABLED);
      assertThat(stored(token).state().disabledAt()).isEqualTo(services.clock.instant());
    }
    assertThat(stored(shared).enabled()).as("a shared token acts for its client").isTrue();
  }

  @Test
  void updateWhenTheTokensCannotFollowThenTheOwnerChangeRollsBackWithThem() {
    User owner = services.user(tenant, "admin");
    Created token = issue(owner, "admin");
    UserChanges failing =
        new Followers(services.lifecycle) {
          @Override
          public void disabled(User user, Origin origin) {
            super.disabled(user, origin);
            throw new IllegalStateException("the cascade failed after disabling the tokens");
          }
        };

    assertThatThrownBy(
            () ->
                services
                    .usersWith(failing)
                    .update(services.caller(manager), owner.id(), enabled(false)))
        .hasMessageContaining("the cascade failed");

    assertThat(services.reread(owner).enabled()).isTrue();
    assertThat(stored(token).enabled()).as("disabled in the transaction that rolled back").isTrue();
  }

  @Test
  void updateWhenOwnerEnabledAgainThenTheirTokensStayDisabled() {
    User owner = services.user(tenant, "admin");
    Created token = issue(owner, "admin");
    update(owner, enabled(false));

    update(owner, enabled(true));

    assertThat(stored(token).enabled()).isFalse();
    assertThat(stored(token).state().disabledReason()).isEqualTo(DisabledReason.OWNER_DISABLED);
  }

  @Test
  void updateWhenOwnersRoleLoweredThenTokensNarrowedAndWrittenSo() {
    User owner = services.user(tenant, "admin");
    Created preset = issue(owner, "admin");
    Created custom = issue(owner, "users:view", "api_tokens:view");
    Created fitting = issue(owner, "api_tokens:view");

    update(owner, role("analytic"));

    assertThat(stored(preset).sourceRole()).isEqualTo("custom");
    assertThat(stored(preset).permissionsAsWritten())
        .containsExactlyInAnyOrderElementsOf(both("admin", "analytic"));
    assertThat(stored(custom).permissionsAsWritten()).containsExactly("api_tokens:view");
    assertThat(stored(fitting).permissionsAsWritten()).containsExactly("api_tokens:view");
    assertThat(ids(stored(preset).permissionSet())).isSubsetOf(ids(permissions("analytic")));
  }

  @Test
  void updateWhenOwnersRoleRaisedAgainThenTokensStayNarrowed() {
    User owner = services.user(tenant, "admin");
    Created preset = issue(owner, "admin");
    update(owner, role("analytic"));
    List<String> narrowed = stored(preset).permissionsAsWritten();

    update(owner, role("admin"));

    assertThat(stored(preset).permissionsAsWritten())
        .isEqualTo(narrowed)
        .doesNotContain("users:view");
    assertThat(stored(preset).sourceRole()).isEqualTo("custom");
  }

  @Test
  void updateWhenOwnerDisabledAndLoweredAtOnceThenTokensNarrowedToTheRoleNotEmptied() {
    // The role itself is judged: a disabled owner holds nothing now, but must not wipe the tokens.
    User owner = services.user(tenant, "admin");
    Created token = issue(owner, "admin");

    update(owner, new UserService.Update(null, Records.grant("analytic"), false, null, null));

    assertThat(stored(token).enabled()).isFalse();
    assertThat(stored(token).permissionsAsWritten())
        .containsExactlyInAnyOrderElementsOf(both("admin", "analytic"));
  }

  @Test
  void updateWhenSingleSignOnUserLosesApiAccessThenTheirTokensDisabledWithThatReason() {
    User owner = services.user(tenant, "admin");
    update(owner, new UserService.Update(null, null, null, Sso.SSO, true));
    Created token = issue(owner, "admin");

    update(owner, new UserService.Update(null, null, null, null, false));

    assertThat(stored(token).enabled()).isFalse();
    assertThat(stored(token).state().disabledReason()).isEqualTo(DisabledReason.API_ACCESS_REVOKED);
  }

  @Test
  void deleteWhenOwnerDeletedThenTheirPersonalTokensGoWithThem() {
    User owner = services.user(tenant, "admin");
    Created token = issue(owner, "admin");
    Created shared = services.tokens.create(services.caller(owner), TokenRequests.shared("admin"));

    services.users.delete(services.caller(manager), owner.id());

    assertThat(rows.find(token.token().id())).isEmpty();
    assertThat(rows.find(shared.token().id())).isPresent();
  }

  /**
   * Hands every user change to the tokens, as the application wires it; tests override one step.
   */
  private static class Followers implements UserChanges {
    private final UserChanges tokens;

    Followers(UserChanges tokens) {
      this.tokens = tokens;
    }

    @Override
    public void disabled(User user, Origin origin) {
      tokens.disabled(user, origin);
    }

    @Override
    public void enabled(User user, Origin origin) {
      tokens.enabled(user, origin);
    }

    @Override
    public void apiAccessRevoked(User user, Origin origin) {
      tokens.apiAccessRevoked(user, origin);
    }

    @Override
    public void permissionsChanged(User user, Client userClient, Origin origin) {
      tokens.permissionsChanged(user, userClient, origin);
    }

    @Override
    public void deleted(User user, Origin origin) {
      tokens.deleted(user, origin);
    }

    @Override
    public void ssoStarted(User user, Origin origin) {
      tokens.ssoStarted(user, origin);
    }

    @Override
    public void renamed(User user) {
      tokens.renamed(user);
    }
  }
}
