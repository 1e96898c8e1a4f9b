package dev.tokensmith.permissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PermissionSetTest {
  private static final Catalogue CATALOGUE = Catalogue.standard();

  @Test
  void resourcesWhenListedThenSpecOrder() {
    assertThat(CATALOGUE.resources().stream().map(Catalogue.Resource::id).toList())
        .containsExactly(
            "nodes",
            "dashboard",
            "attacks",
            "incidents",
            "api_sessions",
            "vulnerabilities",
            "api_inventory",
            "api_specs",
            "infrastructure",
            "triggers",
            "ip_lists",
            "rules",
            "mitigation_controls",
            "credential_stuffing",
            "security_edge",
            "integrations",
            "filtration_mode",
            "applications",
            "users",
            "api_tokens",
            "activity_log",
            "clients");
  }

  @Test
  void catalogueWhenListedThenFourActionsPerResourcePlusThreeExtras() {
    List<String> catalogue = CATALOGUE.ids();
    assertThat(catalogue).hasSize(22 * 4 + 3).doesNotHaveDuplicates();
    assertThat(catalogue)
        .startsWith("nodes:view", "nodes:create", "nodes:update", "nodes:delete", "dashboard:view");
    assertThat(catalogue)
        .endsWith(
            "activity_log:view",
            "activity_log:create",
            "activity_log:update",
            "activity_log:delete",
            "activity_log:export",
            "clients:view",
            "clients:create",
            "clients:update",
            "clients:delete");
    assertThat(catalogue)
        .containsSequence("api_inventory:delete", "api_inventory:download", "api_specs:view");
    assertThat(catalogue).containsSequence("ip_lists:delete", "ip_lists:export", "rules:view");
    assertThat(catalogue)
        .filteredOn(id -> id.endsWith(":export") || id.endsWith(":download"))
        .containsExactly("api_inventory:download", "ip_lists:export", "activity_log:export");
  }

  @Test
  void catalogueWhenModifiedThenUnsupported() {
    assertThatThrownBy(() -> CATALOGUE.ids().add("x:view"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(
            () -> CATALOGUE.resources().stream().map(Catalogue.Resource::id).toList().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void isKnownWhenCatalogueIdThenTrueElseFalse() {
    assertThat(CATALOGUE.isKnown("users:view")).isTrue();
    assertThat(CATALOGUE.isKnown("api_inventory:download")).isTrue();
    assertThat(CATALOGUE.isKnown("users:export")).isFalse();
    assertThat(CATALOGUE.isKnown("Users:view")).isFalse();
    assertThat(CATALOGUE.isKnown("admin")).isFalse();
    assertThat(CATALOGUE.isKnown("")).isFalse();
    assertThat(CATALOGUE.isKnown(null)).isFalse();
  }

  @Test
  void ofWhenUnknownIdThenIllegalArgumentWithoutTheValue() {
    assertThatThrownBy(() -> CATALOGUE.set("users:view", "tks1SECRETVALUE"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("tks1SECRETVALUE");
    assertThatThrownBy(() -> CATALOGUE.set(Arrays.asList("users:view", null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofWhenNoIdsThenEmpty() {
    assertThat(CATALOGUE.set()).isEqualTo(PermissionSet.EMPTY);
    assertThat(CATALOGUE.set(List.of()).isEmpty()).isTrue();
    assertThat(PermissionSet.EMPTY.size()).isZero();
    assertThat(PermissionSet.EMPTY.ids()).isEmpty();
  }

  @Test
  void idsWhenGivenInAnyOrderWithDuplicatesThenCatalogueOrderOnce() {
    PermissionSet set = CATALOGUE.set("clients:view", "nodes:view", "users:delete", "nodes:view");
    assertThat(set.ids()).containsExactly("nodes:view", "users:delete", "clients:view");
    assertThat(set.size()).isEqualTo(3);
  }

  @Test
  void hasWhenUnknownOrNullThenFalse() {
    PermissionSet all = CATALOGUE.set(CATALOGUE.ids());
    assertThat(all.has("nope:view")).isFalse();
    assertThat(all.has(null)).isFalse();
    assertThat(all.has("clients:delete")).isTrue();
    assertThat(all.size()).isEqualTo(CATALOGUE.ids().size());
  }

  @Test
  void effectiveWhenViewMissingThenResourceDropped() {
    PermissionSet set =
        CATALOGUE.set(
            "users:create", "users:delete", "nodes:view", "nodes:create", "activity_log:export");
    assertThat(set.effective().ids()).containsExactly("nodes:view", "nodes:create");
  }

  @Test
  void effectiveWhenAlreadyEffectiveThenEqual() {
    PermissionSet set = CATALOGUE.set("clients:view", "clients:update");
    assertThat(set.effective()).isEqualTo(set);
  }

  @Test
  void equalsWhenSameIdsThenEqualAndSameHash() {
    PermissionSet a = CATALOGUE.set("users:view", "clients:delete");
    PermissionSet b = CATALOGUE.set(List.of("clients:delete", "users:view"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(CATALOGUE.set("users:view"));
    assertThat(a.toString()).contains("users:view", "clients:delete");
  }

  @Test
  void containsAllWhenSubsetThenTrueElseFalse() {
    PermissionSet big = CATALOGUE.set("users:view", "users:create", "clients:view");
    assertThat(big.containsAll(CATALOGUE.set("users:view", "clients:view"))).isTrue();
    assertThat(big.containsAll(PermissionSet.EMPTY)).isTrue();
    assertThat(big.containsAll(CATALOGUE.set("clients:create"))).isFalse();
    assertThat(PermissionSet.EMPTY.containsAll(big)).isFalse();
  }

  @Test
  void hasAndContainsAllWhenCalledRepeatedlyThenAllocateNothing() {
    PermissionSet admin = CATALOGUE.bundle(Role.PARTNER_ADMIN);
    PermissionSet analytic = CATALOGUE.bundle(Role.ANALYTIC);
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    boolean sink = false;
    for (int i = 0; i < 20_000; i++) {
      sink ^= admin.has("clients:update") ^ admin.containsAll(analytic);
    }
    long before = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) {
      sink ^= admin.has("clients:update") ^ admin.containsAll(analytic);
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertThat(sink).isFalse();
    assertThat(allocated).isLessThan(10_000);
  }

  @Property
  void setOperationsWhenComparedWithJavaSetsThenAgree(
      @ForAll("subsets") List<String> a, @ForAll("subsets") List<String> b) {
    PermissionSet x = CATALOGUE.set(a);
    PermissionSet y = CATALOGUE.set(b);
    Set<String> and = new LinkedHashSet<>(a);
    and.retainAll(b);
    Set<String> or = new LinkedHashSet<>(a);
    or.addAll(b);
    assertThat(x.intersect(y).ids()).containsExactlyInAnyOrderElementsOf(and);
    assertThat(x.union(y).ids()).containsExactlyInAnyOrderElementsOf(or);
    assertThat(x.containsAll(y)).isEqualTo(new LinkedHashSet<>(a).containsAll(b));
    assertThat(x.size()).isEqualTo(new LinkedHashSet<>(a).size());
    assertThat(CATALOGUE.set(x.ids())).isEqualTo(x);
    for (String id : CATALOGUE.ids()) {
      assertThat(x.has(id)).isEqualTo(a.contains(id));
    }
  }

  @Property
  void effectiveWhenComparedWithDefinitionThenAgrees(@ForAll("subsets") List<String> a) {
    List<String> expected = new ArrayList<>();
    for (String id : a) {
      String resource = id.substring(0, id.indexOf(':'));
      if (a.contains(resource + ":view") && !expected.contains(id)) {
        expected.add(id);
      }
    }
    PermissionSet effective = CATALOGUE.set(a).effective();
    assertThat(effective.ids()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(effective.effective()).isEqualTo(effective);
  }

  @Provide
  Arbitrary<List<String>> subsets() {
    return Arbitraries.of(CATALOGUE.ids()).list().ofMaxSize(60);
  }
}
