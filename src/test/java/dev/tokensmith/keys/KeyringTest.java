package dev.tokensmith.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringTest {

  private static final byte[] AAD = "token:42".getBytes(StandardCharsets.UTF_8);
  private final SecureRandom random = new SecureRandom();

  @TempDir Path dir;

  @Test
  void openWhenSealedWithSameAadThenRoundTrips() {
    Keyring keyring = keyring(keys(1), bytes(32));
    String sealed = keyring.seal("tks1-secret-é", AAD);
    assertThat(sealed).startsWith("v1:").doesNotContain("tks1-secret");
    assertThat(keyring.open(sealed, AAD)).isEqualTo("tks1-secret-é");
  }

  @Test
  void sealWhenCalledTwiceThenDifferentValues() {
    Keyring keyring = keyring(keys(1), bytes(32));
    assertThat(keyring.seal("same", AAD)).isNotEqualTo(keyring.seal("same", AAD));
  }

  @Test
  void openWhenAadDiffersThenIllegalStateWithoutSecret() {
    Keyring keyring = keyring(keys(1), bytes(32));
    String sealed = keyring.seal("the-secret", AAD);
    assertThatThrownBy(() -> keyring.open(sealed, "token:43".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining("the-secret");
    assertThatThrownBy(() -> keyring.open(sealed, null)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void openWhenCiphertextTamperedThenIllegalState() {
    Keyring keyring = keyring(keys(1), bytes(32));
    String sealed = keyring.seal("the-secret", AAD);
    byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
    for (int i = 0; i < raw.length; i++) {
      byte[] copy = raw.clone();
      copy[i] ^= 0x01;
      String tampered = "v1:" + Base64.getEncoder().encodeToString(copy);
      assertThatThrownBy(() -> keyring.open(tampered, AAD))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void openWhenMalformedOrUnknownVersionThenIllegalState() {
    Keyring keyring = keyring(keys(1), bytes(32));
    String sealed = keyring.seal("the-secret", AAD);
    for (String bad :
        new String[] {
          "",
          "v1",
          "v:abc",
          "x1:" + sealed.substring(3),
          "v1:!!!",
          "v1:AAAA",
          "v99999999999:" + sealed.substring(3)
        }) {
      assertThatThrownBy(() -> keyring.open(bad, AAD))
          .as(bad)
          .isInstanceOf(IllegalStateException.class);
    }
    assertThatThrownBy(() -> keyring.open("v2:" + sealed.substring(3), AAD))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("version 2");
  }

  @Test
  void openWhenKeyRotatedThenOldValuesStillOpenAndNewSealsUseNewVersion() {
    SortedMap<Integer, byte[]> keys = keys(1);
    byte[] pepper = bytes(32);
    String old = keyring(keys, pepper).seal("old-secret", AAD);
    keys.put(2, bytes(32));
    Keyring rotated = keyring(keys, pepper);
    assertThat(rotated.currentVersion()).isEqualTo(2);
    assertThat(rotated.open(old, AAD)).isEqualTo("old-secret");
    String fresh = rotated.seal("new-secret", AAD);
    assertThat(fresh).startsWith("v2:");
    assertThat(rotated.open(fresh, AAD)).isEqualTo("new-secret");
  }

  @Test
  void digestWhenSamePepperThenDeterministicElseDifferent() {
    SortedMap<Integer, byte[]> keys = keys(1);
    byte[] pepper = bytes(32);
    Keyring a = keyring(keys, pepper);
    Keyring b = keyring(keys, pepper);
    Keyring other = keyring(keys, bytes(32));
    assertThat(a.digest("secret"))
        .hasSize(32)
        .isEqualTo(a.digest("secret"))
        .isEqualTo(b.digest("secret"));
    assertThat(a.digest("secret")).isNotEqualTo(other.digest("secret"));
    assertThat(a.digest("secret")).isNotEqualTo(a.digest("secreT"));
  }

  @Test
  void digestWhenUsedFromManyThreadsThenSameResult() throws Exception {
    Keyring keyring = keyring(keys(1), bytes(32));
    byte[] expected = keyring.digest("secret");
    Thread[] threads = new Thread[8];
    boolean[] ok = new boolean[threads.length];
    for (int t = 0; t < threads.length; t++) {
      int index = t;
      threads[t] =
          new Thread(
              () -> {
                boolean all = true;
                for (int i = 0; i < 2000; i++) {
                  all &= Keyring.constantTimeEquals(expected, keyring.digest("secret"));
                }
                ok[index] = all;
              });
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(ok).containsOnly(true);
  }

  @Test
  void constantTimeEqualsWhenContentsEqualThenTrue() {
    assertThat(Keyring.constantTimeEquals(new byte[] {1, 2}, new byte[] {1, 2})).isTrue();
    assertThat(Keyring.constantTimeEquals(new byte[] {1, 2}, new byte[] {1, 3})).isFalse();
    assertThat(Keyring.constantTimeEquals(new byte[] {1, 2}, new byte[] {1})).isFalse();
    assertThat(Keyring.constantTimeEquals(null, new byte[] {1})).isFalse();
  }

  @Test
  void constructorWhenKeysOrPepperInvalidThenIllegalArgument() {
    assertThatThrownBy(() -> keyring(new TreeMap<>(), bytes(32)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no master key");
    SortedMap<Integer, byte[]> shortKey = new TreeMap<>();
    shortKey.put(1, bytes(16));
    assertThatThrownBy(() -> keyring(shortKey, bytes(32)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    SortedMap<Integer, byte[]> zero = new TreeMap<>();
    zero.put(0, bytes(32));
    assertThatThrownBy(() -> keyring(zero, bytes(32))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keyring(keys(1), bytes(31)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pepper");
    assertThatThrownBy(() -> keyring(keys(1), null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringWhenCalledThenShowsVersionsNotKeys() {
    SortedMap<Integer, byte[]> keys = keys(1);
    keys.put(2, bytes(32));
    byte[] pepper = bytes(32);
    String text = keyring(keys, pepper).toString();
    assertThat(text)
        .contains("1", "2")
        .doesNotContain(Base64.getEncoder().encodeToString(keys.get(1)))
        .doesNotContain(Base64.getEncoder().encodeToString(pepper));
  }

  @Test
  void createWhenFilesMissingThenCreatesOwnerOnlyFilesAndLoadReadsTheSameKeys() throws Exception {
    Path keyFile = dir.resolve("data/keys/master.key");
    Path pepperFile = dir.resolve("data/keys/pepper");
    assertThat(Keyring.anyFileExists(keyFile, pepperFile)).isFalse();
    Keyring first = Keyring.create(keyFile, pepperFile, random);
    assertThat(Keyring.anyFileExists(keyFile, pepperFile)).isTrue();
    assertThat(Files.readString(keyFile)).matches("v1:[A-Za-z0-9+/]{43}=\\n");
    assertThat(Files.readString(pepperFile)).matches("[A-Za-z0-9+/]{43}=\\n");
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pepperFile)))
          .isEqualTo("rw-------");
    }
    String sealed = first.seal("secret", AAD);
    Keyring second = Keyring.load(keyFile, pepperFile);
    assertThat(second.open(sealed, AAD)).isEqualTo("secret");
    assertThat(second.digest("secret")).isEqualTo(first.digest("secret"));
  }

  @Test
  void loadWhenFileMalformedThenIllegalArgumentNamingTheFile() throws Exception {
    Path keyFile = dir.resolve("master.key");
    Path pepperFile = dir.resolve("pepper");
    Files.writeString(keyFile, "v1:c2VjcmV0LWtleS1tYXRlcmlhbA==\n");
    Files.writeString(pepperFile, b64(bytes(32)));
    assertThatThrownBy(() -> Keyring.load(keyFile, pepperFile))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("master key file")
        .hasMessageContaining(keyFile.toString())
        .hasMessageNotContaining("c2VjcmV0LWtleS1tYXRlcmlhbA");
  }

  @Test
  void createWhenFilesExistThenKeepsThem() throws Exception {
    Path keyFile = dir.resolve("master.key");
    Path pepperFile = dir.resolve("pepper");
    String keysText = "# rotated 2026\nv1:" + b64(bytes(32)) + "\n\nv2:" + b64(bytes(32)) + "\n";
    Files.writeString(keyFile, keysText);
    Files.writeString(pepperFile, b64(bytes(48)));
    Keyring keyring = Keyring.create(keyFile, pepperFile, random);
    assertThat(keyring.currentVersion()).isEqualTo(2);
    assertThat(Files.readString(keyFile)).isEqualTo(keysText);
  }

  @Test
  void parseWhenCommaSeparatedOrLinesThenSameKeyring() {
    String v1 = b64(bytes(32));
    String v2 = b64(bytes(32));
    String pepper = b64(bytes(32));
    Keyring fromEnv = Keyring.parse("v1:" + v1 + ", v2:" + v2, pepper);
    Keyring fromFile =
        Keyring.parse("# keys\nv2:" + v2 + "\r\nv1:" + v1 + "\n", "# pepper\n" + pepper + "\n");
    assertThat(fromEnv.currentVersion()).isEqualTo(2);
    assertThat(fromFile.open(fromEnv.seal("s", AAD), AAD)).isEqualTo("s");
    assertThat(fromFile.digest("s")).isEqualTo(fromEnv.digest("s"));
  }

  @Test
  void parseWhenMalformedThenIllegalArgumentWithoutKeyMaterial() {
    String key = b64(bytes(32));
    String pepper = b64(bytes(32));
    String[] badKeys = {
      "",
      "# only a comment",
      key,
      "1:" + key,
      "v:" + key,
      "vx:" + key,
      "v0:" + key,
      "v1:" + key.substring(0, 20),
      "v1:" + key.replace('A', '-') + "-",
      "v1:" + key + ",v1:" + key
    };
    for (String bad : badKeys) {
      assertThatThrownBy(() -> Keyring.parse(bad, pepper))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("master keys setting")
          .hasMessageNotContaining(key.substring(0, 12));
    }
    String[] badPeppers = {"", pepper + "\n" + pepper, b64(bytes(16)), "%%%" + pepper};
    for (String bad : badPeppers) {
      assertThatThrownBy(() -> Keyring.parse("v1:" + key, bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("pepper setting")
          .hasMessageNotContaining(pepper.substring(0, 12));
    }
    assertThatThrownBy(() -> Keyring.parse(null, pepper))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Keyring keyring(SortedMap<Integer, byte[]> keys, byte[] pepper) {
    return new Keyring(keys, pepper);
  }

  private SortedMap<Integer, byte[]> keys(int version) {
    SortedMap<Integer, byte[]> keys = new TreeMap<>();
    keys.put(version, bytes(32));
    return keys;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
