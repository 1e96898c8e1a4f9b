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

  @Test
  void resourcesWhenListedThenSpecOrder() {
    assertThat(PermissionSet.resources()).containsExactly(
        "nodes", "dashboard", "attacks", "incidents", "api_sessions", "vulnerabilities",
        "api_inventory", "api_specs", "infrastructure", "triggers", "ip_lists", "rules",
        "mitigation_controls", "credential_stuffing", "security_edge", "integrations",
        "filtration_mode", "applications", "users", "api_tokens", "activity_log", "clients");
  }

  @Test
  void catalogueWhenListedThenFourActionsPerResourcePlusThreeExtras() {
    List<String> catalogue = PermissionSet.catalogue();
    assertThat(catalogue).hasSize(22 * 4 + 3).doesNotHaveDuplicates();
    assertThat(catalogue).startsWith("nodes:view", "nodes:create", "nodes:update", "nodes:delete",
        "dashboard:view");
    assertThat(catalogue).endsWith("activity_log:view", "activity_log:create",
        "activity_log:update", "activity_log:delete", "activity_log:export",
        "clients:view", "clients:create", "clients:update", "clients:delete");
    assertThat(catalogue).containsSequence("api_inventory:delete", "api_inventory:download",
        "api_specs:view");
    assertThat(catalogue).containsSequence("ip_lists:delete", "ip_lists:export", "rules:view");
    assertThat(catalogue).filteredOn(id -> id.endsWith(":export") || id.endsWith(":download"))
        .containsExactly("api_inventory:download", "ip_lists:export", "activity_log:export");
  }

  @Test
  void catalogueWhenModifiedThenUnsupported() {
    assertThatThrownBy(() -> PermissionSet.catalogue().add("x:view"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> PermissionSet.resources().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void isKnownWhenCatalogueIdThenTrueElseFalse() {
    assertThat(PermissionSet.isKnown("users:view")).isTrue();
    assertThat(PermissionSet.isKnown("api_inventory:download")).isTrue();
    assertThat(PermissionSet.isKnown("users:export")).isFalse();
    assertThat(PermissionSet.isKnown("Users:view")).isFalse();
    assertThat(PermissionSet.isKnown("admin")).isFalse();
    assertThat(PermissionSet.isKnown("")).isFalse();
    assertThat(PermissionSet.isKnown(null)).isFalse();
  }

  @Test
  void ofWhenUnknownIdThenIllegalArgumentWithoutTheValue() {
    assertThatThrownBy(() -> PermissionSet.of("users:view", "tks1SECRETVALUE"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("tks1SECRETVALUE");
    assertThatThrownBy(() -> PermissionSet.of(Arrays.asList("users:view", null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofWhenNoIdsThenEmpty() {
    assertThat(PermissionSet.of()).isEqualTo(PermissionSet.EMPTY);
    assertThat(PermissionSet.of(List.of()).isEmpty()).isTrue();
    assertThat(PermissionSet.EMPTY.size()).isZero();
    assertThat(PermissionSet.EMPTY.ids()).isEmpty();
  }

  @Test
  void idsWhenGivenInAnyOrderWithDuplicatesThenCatalogueOrderOnce() {
    PermissionSet set = PermissionSet.of("clients:view", "nodes:view", "users:delete", "nodes:view");
    assertThat(set.ids()).containsExactly("nodes:view", "users:delete", "clients:view");
    assertThat(set.size()).isEqualTo(3);
  }

  @Test
  void hasWhenUnknownOrNullThenFalse() {
    PermissionSet all = PermissionSet.of(PermissionSet.catalogue());
    assertThat(all.has("nope:view")).isFalse();
    assertThat(all.has(null)).isFalse();
    assertThat(all.has("clients:delete")).isTrue();
    assertThat(all.size()).isEqualTo(PermissionSet.catalogue().size());
  }

  @Test
  void effectiveWhenViewMissingThenResourceDropped() {
    PermissionSet set = PermissionSet.of("users:create", "users:delete", "nodes:view", "nodes:create",
        "activity_log:export");
    assertThat(set.effective().ids()).containsExactly("nodes:view", "nodes:create");
  }

  @Test
  void effectiveWhenAlreadyEffectiveThenEqual() {
    PermissionSet set = PermissionSet.of("clients:view", "clients:update");
    assertThat(set.effective()).isEqualTo(set);
  }

  @Test
  void equalsWhenSameIdsThenEqualAndSameHash() {
    PermissionSet a = PermissionSet.of("users:view", "clients:delete");
    PermissionSet b = PermissionSet.of(List.of("clients:delete", "users:view"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(PermissionSet.of("users:view"));
    assertThat(a.toString()).contains("users:view", "clients:delete");
  }

  @Test
  void containsAllWhenSubsetThenTrueElseFalse() {
    PermissionSet big = PermissionSet.of("users:view", "users:create", "clients:view");
    assertThat(big.containsAll(PermissionSet.of("users:view", "clients:view"))).isTrue();
    assertThat(big.containsAll(PermissionSet.EMPTY)).isTrue();
    assertThat(big.containsAll(PermissionSet.of("clients:create"))).isFalse();
    assertThat(PermissionSet.EMPTY.containsAll(big)).isFalse();
  }

  @Test
  void hasAndContainsAllWhenCalledRepeatedlyThenAllocateNothing() {
    PermissionSet admin = Role.PARTNER_ADMIN.bundle();
    PermissionSet analytic = Role.ANALYTIC.bundle();
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean();
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
    PermissionSet x = PermissionSet.of(a);
    PermissionSet y = PermissionSet.of(b);
    Set<String> and = new LinkedHashSet<>(a);
    and.retainAll(b);
    Set<String> or = new LinkedHashSet<>(a);
    or.addAll(b);
    assertThat(x.intersect(y).ids()).containsExactlyInAnyOrderElementsOf(and);
    assertThat(x.union(y).ids()).containsExactlyInAnyOrderElementsOf(or);
    assertThat(x.containsAll(y)).isEqualTo(new LinkedHashSet<>(a).containsAll(b));
    assertThat(x.size()).isEqualTo(new LinkedHashSet<>(a).size());
    assertThat(PermissionSet.of(x.ids())).isEqualTo(x);
    for (String id : PermissionSet.catalogue()) {
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
    PermissionSet effective = PermissionSet.of(a).effective();
    assertThat(effective.ids()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(effective.effective()).isEqualTo(effective);
  }

  @Provide
  Arbitrary<List<String>> subsets() {
    return Arbitraries.of(PermissionSet.catalogue()).list().ofMaxSize(60);
  }
}
