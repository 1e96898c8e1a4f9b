package dev.tokensmith.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseLocationTest {

  @Test
  void describeWhenUrlsCarryCredentialsThenOnlyKindHostAndName() {
    assertThat(DatabaseLocation.describe("jdbc:postgresql://u:p4ss@db:5432/ts?password=p4ss"))
        .isEqualTo("PostgreSQL at db:5432/ts");
    assertThat(DatabaseLocation.describe("jdbc:postgresql://db1,db2/ts?user=u&password=p4ss"))
        .isEqualTo("PostgreSQL at db1,db2/ts");
    assertThat(DatabaseLocation.describe("jdbc:postgresql:ts")).isEqualTo("PostgreSQL at ts");
    assertThat(DatabaseLocation.describe("jdbc:h2:tcp://u:p4ss@h2host/~/ts;PASSWORD=p4ss"))
        .isEqualTo("H2 at tcp://h2host/~/ts");
    assertThat(DatabaseLocation.describe("jdbc:h2:mem:x;USER=u;PASSWORD=p4ss"))
        .isEqualTo("H2 at mem:x");
    assertThat(DatabaseLocation.describe("jdbc:h2:file:/srv/ts/db;PASSWORD=p4ss"))
        .isEqualTo("H2 (embedded) at /srv/ts/db");
  }
}
