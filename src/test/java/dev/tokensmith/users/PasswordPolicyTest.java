package dev.tokensmith.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokensmith.users.PasswordPolicy.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
  private static final String EMAIL = "ana.lyst@example.com";
  private static final PasswordPolicy POLICY = PasswordPolicy.standard();

  @Test
  void standardWhenLoadedThenTheBundledListHasTenThousandDistinctPasswords() throws IOException {
    try (InputStream in =
        PasswordPolicy.class
            .getClassLoader()
            .getResourceAsStream("passwords/common-passwords.txt")) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertThat(lines).hasSize(10_000).doesNotHaveDuplicates().doesNotContain("");
      assertThat(lines.subList(0, 3)).containsExactly("password", "123456", "12345678");
    }
  }

  @Test
  void checkWhenShorterThan12ThenTooShortWhateverItHolds() {
    assertThat(POLICY.check("Aa1!Aa1!Aa1", EMAIL)).contains(Problem.TOO_SHORT);
    assertThat(POLICY.check("", EMAIL)).contains(Problem.TOO_SHORT);
    // Twelve characters, counted as people count them (not UTF-16 units).
    assertThat(POLICY.check("😀".repeat(11), EMAIL)).contains(Problem.TOO_SHORT);
    assertThat(POLICY.check("😀".repeat(12), EMAIL)).isEmpty();
  }

  @Test
  void checkWhenCommonInAnyCaseThenTooCommon() {
    assertThat(POLICY.check("unbelievable", EMAIL)).contains(Problem.TOO_COMMON);
    assertThat(POLICY.check("UnBelievable", EMAIL)).contains(Problem.TOO_COMMON);
    assertThat(POLICY.check("motherfucker", EMAIL)).contains(Problem.TOO_COMMON);
  }

  @Test
  void checkWhenTheEmailInAnyCaseThenSameAsEmail() {
    assertThat(POLICY.check("Ana.Lyst@Example.com", EMAIL)).contains(Problem.SAME_AS_EMAIL);
    assertThat(POLICY.check("ana.lyst@example.com!", EMAIL)).isEmpty();
  }

  @Test
  void checkWhenLongUncommonAndNotTheEmailThenAccepted() {
    assertThat(POLICY.check("correct horse battery", EMAIL)).isEmpty();
    assertThat(POLICY.check("user-password-1", EMAIL)).isEmpty();
  }

  @Test
  void checkSetAtCreationWhenTenOrElevenWithDigitAndSymbolThenAcceptedElseTooShort() {
    assertThat(POLICY.checkSetAtCreation("Aa1!xyzw9Q", EMAIL)).isEmpty();
    assertThat(POLICY.checkSetAtCreation("1!abcdefgh", EMAIL)).isEmpty();
    assertThat(POLICY.checkSetAtCreation("1!{}()[]~=", EMAIL)).as("no letter needed").isEmpty();
    assertThat(POLICY.checkSetAtCreation("1!abcdefg", EMAIL)).contains(Problem.TOO_SHORT);
    assertThat(POLICY.checkSetAtCreation("1abcdefghi", EMAIL)).contains(Problem.TOO_SHORT);
    assertThat(POLICY.checkSetAtCreation("!abcdefghi", EMAIL)).contains(Problem.TOO_SHORT);
    assertThat(POLICY.checkSetAtCreation("1 abcdefgh", EMAIL))
        .as("a space is no symbol")
        .contains(Problem.TOO_SHORT);
    assertThat(POLICY.checkSetAtCreation("a-twelve-chars", EMAIL)).isEmpty();
  }

  @Test
  void checkSetAtCreationWhenCommonOrTheEmailThenRefusedWhateverTheLength() {
    PasswordPolicy policy = new PasswordPolicy(java.util.Set.of("p@ssword12"));
    assertThat(policy.checkSetAtCreation("P@ssword12", EMAIL)).contains(Problem.TOO_COMMON);
    assertThat(POLICY.checkSetAtCreation("unbelievable", EMAIL)).contains(Problem.TOO_COMMON);
    assertThat(POLICY.checkSetAtCreation(EMAIL, EMAIL)).contains(Problem.SAME_AS_EMAIL);
  }

  @Test
  void checkSetAtCreationWhenTheTerraformProvidersGeneratedPasswordsThenAlwaysAccepted() {
    for (int i = 0; i < 100_000; i++) {
      String generated = TerraformPasswords.generate();
      assertThat(POLICY.checkSetAtCreation(generated, EMAIL))
          .as(generated)
          .isEqualTo(Optional.empty());
    }
  }
}
