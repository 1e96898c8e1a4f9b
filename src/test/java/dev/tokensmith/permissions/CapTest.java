package dev.tokensmith.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokensmith.errors.ValidationException;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The cap rule over random roles and custom lists: whatever an owner holds and whatever is asked,
 * nothing granted, effective or narrowed ever holds a permission outside its cap.
 */
class CapTest {
  private static final Catalogue CATALOGUE = Catalogue.standard();

  @Provide
  Arbitrary<PermissionSet> sets() {
    return Arbitraries.oneOf(
        Arbitraries.of(Role.values()).map(CATALOGUE::bundle),
        Arbitraries.of(CATALOGUE.ids()).list().ofMaxSize(40).map(CATALOGUE::set));
  }

  @Provide
  Arbitrary<Grant> grants() {
    return Arbitraries.oneOf(
        Arbitraries.of(Role.values()).filter(r -> r != Role.CUSTOM).map(CATALOGUE::preset),
        Arbitraries.of(CATALOGUE.ids())
            .list()
            .ofMinSize(1)
            .ofMaxSize(40)
            .uniqueElements()
            .map(CATALOGUE::custom));
  }

  @Property
  void effectiveWhenAnyGrantAndCapThenWithinBoth(
      @ForAll("sets") PermissionSet granted, @ForAll("sets") PermissionSet cap) {
    PermissionSet effective = Cap.effective(granted, cap);
    assertThat(cap.containsAll(effective)).isTrue();
    assertThat(granted.containsAll(effective)).isTrue();
  }

  @Property
  void fitsWhenTrueThenEverythingAskedIsHeld(
      @ForAll("grants") Grant grant,
      @ForAll("sets") PermissionSet cap,
      @ForAll boolean globalAllowed) {
    if (Cap.fits(grant, cap, globalAllowed)) {
      assertThat(cap.containsAll(grant.requested())).isTrue();
      // And what a token of this grant then does under the same cap is exactly what it asked for
      // (as effective).
      assertThat(Cap.effective(grant.requested(), cap)).isEqualTo(grant.requested());
    }
  }

  @Property
  void fitsWhenGlobalPresetThenOnlyWhereGlobalAllowed(@ForAll("sets") PermissionSet cap) {
    for (Role role : List.of(Role.PARTNER_ADMIN, Role.PARTNER_ANALYTIC, Role.PARTNER_AUDITOR)) {
      assertThat(Cap.fits(CATALOGUE.preset(role), cap, false)).isFalse();
      assertThat(Cap.fits(CATALOGUE.preset(role), cap, true))
          .isEqualTo(cap.containsAll(CATALOGUE.bundle(role)));
    }
  }

  @Property
  void requireFitsWhenNotFittingThenNotAllowedEchoingTheGrantAsWritten(
      @ForAll("grants") Grant grant, @ForAll("sets") PermissionSet cap) {
    if (Cap.fits(grant, cap, true)) {
      Cap.requireFits(grant, cap, true);
    } else {
      assertThatThrownBy(() -> Cap.requireFits(grant, cap, true))
          .isInstanceOfSatisfying(
              ValidationException.class,
              e -> assertThat(e.body().toString()).contains("not_allowed"));
    }
  }

  @Property
  void narrowedWhenOwnerNarrowedThenWithinTheOwnerAndTheGrantAndStable(
      @ForAll("grants") Grant written, @ForAll("sets") PermissionSet owner) {
    Optional<Grant> narrowed = Cap.narrowed(CATALOGUE, written, owner);
    if (owner.containsAll(written.requested())) {
      assertThat(narrowed).as("a grant that still fits stays as written").isEmpty();
      return;
    }
    Grant result = narrowed.orElseThrow();
    assertThat(result.preset()).as("a narrowed preset becomes a custom list").isNull();
    assertThat(owner.containsAll(result.requested())).isTrue();
    assertThat(written.requested().containsAll(result.requested())).isTrue();
    assertThat(Cap.narrowed(CATALOGUE, result, owner))
        .as("narrowing twice changes nothing more")
        .isEmpty();
  }

  @Property
  void narrowedWhenTheOwnerIsWidenedLaterThenTheTokenStaysNarrow(
      @ForAll("grants") Grant written,
      @ForAll("sets") PermissionSet narrower,
      @ForAll("sets") PermissionSet wider) {
    Grant afterNarrowing = Cap.narrowed(CATALOGUE, written, narrower).orElse(written);
    Grant afterWidening =
        Cap.narrowed(CATALOGUE, afterNarrowing, narrower.union(wider)).orElse(afterNarrowing);
    assertThat(afterWidening.requested()).isEqualTo(afterNarrowing.requested());
  }

  @Test
  void sharedWhenTechnicalTenantThenGlobalAdministratorBundleElseAdministrator() {
    assertThat(Cap.shared(CATALOGUE, true)).isEqualTo(CATALOGUE.bundle(Role.PARTNER_ADMIN));
    assertThat(Cap.shared(CATALOGUE, false)).isEqualTo(CATALOGUE.bundle(Role.ADMIN));
  }

  @Property
  void ownerAndTokenWhenChainedThenNeverAbovePerson(
      @ForAll("sets") PermissionSet person,
      @ForAll("grants") Grant token,
      @ForAll("grants") Grant tokenMadeByToken) {
    // A person creates a token, which creates another: each step caps at its source's effective
    // set.
    if (!Cap.fits(token, person, true)) {
      return;
    }
    PermissionSet first = Cap.effective(token.requested(), person);
    if (Cap.fits(tokenMadeByToken, first, true)) {
      assertThat(person.containsAll(Cap.effective(tokenMadeByToken.requested(), first))).isTrue();
    }
  }
}
