package dev.tokensmith.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.nodes.NodeCalls.Created;
import dev.tokensmith.nodes.NodeCalls.Pair;
import dev.tokensmith.testing.Auth;
import dev.tokensmith.testing.Fixtures;
import dev.tokensmith.testing.Fixtures.TestUser;
import dev.tokensmith.testing.TestServer;
import dev.tokensmith.testing.WithServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Node tokens and instance secrets carry their own prefix, set apart from API tokens'. */
@WithServer(settings = {"TOKENSMITH_SECRET_PREFIX=tok7", "TOKENSMITH_NODE_SECRET_PREFIX=nod7"})
class NodePrefixIT {
  static TestServer server;
  static Fixtures fixtures;

  @Test
  void secretsWhenPrefixesConfiguredThenEachKindCarriesItsOwn() {
    NodeCalls calls = new NodeCalls(server.http);
    TestUser admin = fixtures.user(fixtures.tenant("Prefixes"), "admin");
    Created node = calls.node(admin.session(), admin.clientId());
    assertThat(node.token()).startsWith("nod7").hasSize(64);
    Pair pair = calls.registered(Auth.token(node.token()), null);
    assertThat(pair.secret()).startsWith("nod7").hasSize(64);
    assertThat(calls.sync(pair).status()).isEqualTo(200);
    assertThat(fixtures.token(admin.session(), List.of("admin")).secret()).startsWith("tok7");
  }
}
