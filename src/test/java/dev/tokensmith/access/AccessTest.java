package dev.tokensmith.access;

import static dev.tokensmith.testing.Records.ids;
import static dev.tokensmith.testing.Records.permissions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.clients.Client;
import dev.tokensmith.errors.ServiceException;
import dev.tokensmith.testing.Records;
import dev.tokensmith.testing.ServiceTier;
import dev.tokensmith.testing.Services;
import dev.tokensmith.tokens.ApiToken;
import dev.tokensmith.users.User;
import dev.tokensmith.users.UserService;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which permissions hold for a caller in a client: a user's role (a global role across their
 * partner's tenants), a personal token capped by its owner now, a shared token capped by its
 * client's administrator bundle; nothing in a client out of reach or disabled, or for a disabled
 * user.
 */
@ServiceTier
class AccessTest {
  private static final AtomicLong TOKEN_IDS = new AtomicLong(1000);

  @AutoClose static final Services services = new Services();
  static Access access;

  /** A tenant of the first partner, another tenant of it, and a client of another partner. */
  static Client own;

  static Client sibling;
  static Client foreign;
  static User admin;
  static User analyst;
  static User globalAdmin;
  static User globalAnalyst;

  @BeforeAll
  static void world() {
    access = services.access;
    own = services.tenant();
    sibling = services.tenant();
    foreign = services.otherPartner();
    admin = services.user(own, "admin");
    analyst = services.user(own, "analytic");
    globalAdmin = services.globalAdmin();
    globalAnalyst = services.user(services.technical, "partner_analytic");
  }

  private static List<String> in(Caller caller, Account target) {
    return ids(access.permissionsIn(caller, target));
  }

  private static Caller session(User user) {
    return services.caller(user);
  }

  private static Caller token(User owner, String... written) {
    Client home = services.clients.find(owner.clientId()).orElseThrow();
    ApiToken token = Records.token(TOKEN_IDS.incrementAndGet(), home, owner, written);
    return new Caller(owner, home, token, home, "127.0.0.1");
  }

  private static Caller shared(Client client, User creator, String... written) {
    ApiToken token =
        Records.sharedToken(TOKEN_IDS.incrementAndGet(), client, creator.id(), written);
    return new Caller(creator, client, token, client, "127.0.0.1");
  }

  private static User disabled(User user) {
    return services.users.update(
        services.caller(services.admin),
        user.id(),
        new UserService.Update(null, null, false, null, null));
  }

  @Test
  void userWhenOwnClientThenTheirRole() {
    assertThat(in(session(admin), own)).isEqualTo(ids(permissions("admin")));
    assertThat(in(session(analyst), own)).isEqualTo(ids(permissions("analytic")));
  }

  @Test
  void userWhenCustomPermissionsThenThoseThatTakeEffect() {
    User custom = services.user(own, "users:view", "api_tokens:view", "api_tokens:create");

    assertThat(in(session(custom), own))
        .containsExactly("api_tokens:create", "api_tokens:view", "users:view");
  }

  @Test
  void userWhenAnotherClientThenNothingEvenOfTheSamePartner() {
    assertThat(in(session(admin), sibling)).isEmpty();
    assertThat(in(session(admin), foreign)).isEmpty();
  }

  @Test
  void globalUserWhenTenantOfTheirPartnerThenTheGlobalRolesBundle() {
    assertThat(in(session(globalAdmin), own)).isEqualTo(ids(permissions("partner_admin")));
    assertThat(in(session(globalAdmin), sibling)).isEqualTo(ids(permissions("partner_admin")));
    assertThat(in(session(globalAnalyst), own)).isEqualTo(ids(permissions("analytic")));
  }

  @Test
  void globalUserWhenClientOfAnotherPartnerThenNothing() {
    assertThat(in(session(globalAdmin), foreign)).isEmpty();
  }

  @Test
  void userWhenDisabledThenNothingAnywhere() {
    User gone = disabled(services.user(own, "admin"));
    User globalGone = disabled(services.user(services.technical, "partner_admin"));

    assertThat(in(session(gone), own)).isEmpty();
    assertThat(in(session(globalGone), own)).isEmpty();
    assertThat(in(session(globalGone), services.technical)).isEmpty();
  }

  @Test
  void clientWhenDisabledThenNothingForItsUsersNorForGlobalUsers() {
    Client closed = services.tenant();
    User closedAdmin = services.user(closed, "admin");
    closed = services.enable(closed, false);

    assertThat(in(session(closedAdmin), closed)).isEmpty();
    assertThat(in(session(globalAdmin), closed)).isEmpty();
    assertThat(in(token(closedAdmin, "admin"), closed)).isEmpty();
    assertThat(in(shared(closed, closedAdmin, "admin"), closed)).isEmpty();
  }

  @Test
  void personalTokenWhenWithinItsOwnerThenWhatItGrants() {
    assertThat(in(token(admin, "users:view", "api_tokens:view"), own))
        .containsExactly("api_tokens:view", "users:view");
    assertThat(in(token(admin, "admin"), own)).isEqualTo(ids(permissions("admin")));
  }

  @Test
  void personalTokenWhenBeyondItsOwnerNowThenCappedByTheOwner() {
    // A token written while its owner held more: what holds is what both hold.
    List<String> held = in(token(analyst, "admin"), own);

    assertThat(held)
        .isNotEmpty()
        .isSubsetOf(ids(permissions("analytic")))
        .doesNotContain("users:view");
    assertThat(held).isEqualTo(ids(permissions("admin").intersect(permissions("analytic"))));
  }

  @Test
  void personalTokenWhenOwnerDisabledThenNothing() {
    User owner = services.user(own, "admin");
    Caller withToken = token(owner, "admin");
    User gone = disabled(owner);

    assertThat(in(withToken.withUser(gone), own)).isEmpty();
  }

  @Test
  void personalTokenWhenAnotherClientThenNothing() {
    assertThat(in(token(admin, "admin"), sibling)).isEmpty();
    assertThat(in(token(admin, "admin"), foreign)).isEmpty();
  }

  @Test
  void globalUsersTokenWhenTenantOfTheirPartnerThenCappedByTheGlobalRole() {
    assertThat(in(token(globalAdmin, "partner_admin"), own))
        .isEqualTo(ids(permissions("partner_admin")));
    assertThat(in(token(globalAnalyst, "api_tokens:view", "users:view"), own))
        .containsExactly("api_tokens:view");
    assertThat(in(token(globalAdmin, "partner_admin"), foreign)).isEmpty();
  }

  @Test
  void sharedTokenWhenItsClientThenCappedByTheAdministratorBundle() {
    assertThat(in(shared(own, admin, "users:view"), own)).containsExactly("users:view");
    assertThat(in(shared(own, admin, "partner_admin"), own)).isEqualTo(ids(permissions("admin")));
    assertThat(in(shared(services.technical, globalAdmin, "partner_admin"), services.technical))
        .isEqualTo(ids(permissions("partner_admin")));
  }

  @Test
  void sharedTokenWhenAnotherClientThenNothingEvenForAGlobalCreator() {
    assertThat(in(shared(own, admin, "admin"), sibling)).isEmpty();
    assertThat(in(shared(services.technical, globalAdmin, "partner_admin"), own)).isEmpty();
  }

  @Test
  void sharedTokenWhenItsCreatorIsDisabledThenStillHolds() {
    // A shared token acts for its client, not for the person who made it.
    User creator = services.user(own, "admin");
    Caller withToken = shared(own, creator, "admin");
    User gone = disabled(creator);

    assertThat(in(withToken.withUser(gone), own)).isEqualTo(ids(permissions("admin")));
  }

  @Test
  void administersWhenAdministratorOrSharedTokenOfTheClientThenTrue() {
    assertThat(access.administers(session(admin), own)).isTrue();
    assertThat(access.administers(session(globalAdmin), own)).isTrue();
    assertThat(access.administers(shared(own, analyst, "analytic"), own)).isTrue();
    assertThat(access.administers(session(analyst), own)).isFalse();
    assertThat(access.administers(session(admin), sibling)).isFalse();
    assertThat(access.administers(shared(own, admin, "admin"), sibling)).isFalse();
  }

  @Test
  void targetWhenNamedClientOutOfReachThenForbiddenWhetherOrNotItExists() {
    assertThat(access.target(session(admin), null).id()).isEqualTo(own.id());
    assertThat(access.target(session(globalAdmin), own.id()).id()).isEqualTo(own.id());

    assertThatThrownBy(() -> access.target(session(admin), sibling.id()))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThatThrownBy(() -> access.target(session(admin), 999_999L))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  @Test
  void requireWhenPermissionMissingThenForbidden() {
    access.require(session(admin), own, "users:create");

    assertThatThrownBy(() -> access.require(session(analyst), own, "users:create"))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status()).isEqualTo(403));
  }
}
