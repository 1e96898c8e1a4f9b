package dev.tokensmith.users;

import dev.tokensmith.errors.ValidationException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a new password must be: at least 12 characters, not the user's e-mail address (in any case),
 * and not one of the 10 000 most common passwords (the list bundled in the jar, read once).
 *
 * <p>A password an administrator sets when creating a user may instead be 10 or 11 characters when
 * it holds a digit and a symbol: that is the shape of the password the Wallarm Terraform provider
 * generates for a user configured without one (10 characters, at least one digit and one symbol,
 * the rest random letters, digits and symbols), which must keep working. Such a password is still
 * never a common one nor the e-mail address, and its user can change it or be sent a link.
 */
public final class PasswordPolicy {
  /** The shortest password a user may choose. */
  public static final int MIN_LENGTH = 12;

  /** The shortest password an administrator may set at creation, with a digit and a symbol. */
  public static final int MIN_LENGTH_WITH_DIGIT_AND_SYMBOL = 10;

  private static final String LIST = "passwords/common-passwords.txt";

  /** Why a password is refused: its field error code and the words for a start-up message. */
  public enum Problem {
    TOO_SHORT(
        ValidationException.Code.TOO_SHORT, "must have at least " + MIN_LENGTH + " characters"),
    TOO_COMMON(ValidationException.Code.TOO_COMMON, "is one of the 10 000 most common passwords"),
    SAME_AS_EMAIL(ValidationException.Code.SAME_AS_EMAIL, "must not be the e-mail address");

    private final ValidationException.Code code;
    private final String reason;

    Problem(ValidationException.Code code, String reason) {
      this.code = code;
      this.reason = reason;
    }

    /** How the start-up error puts it, after the setting's name. */
    public String reason() {
      return reason;
    }

    /** The 400 for {@code field}; the password itself is never echoed. */
    public ValidationException error(String field) {
      return ValidationException.of(field, code, null);
    }
  }

  private final Set<String> common;

  PasswordPolicy(Set<String> common) {
    this.common = Set.copyOf(common);
  }

  /** The policy with the bundled list of common passwords. */
  public static PasswordPolicy standard() {
    try (InputStream in = PasswordPolicy.class.getClassLoader().getResourceAsStream(LIST)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + LIST);
      }
      Set<String> common = new HashSet<>(16_384);
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isEmpty()) {
          common.add(line.toLowerCase(Locale.ROOT));
        }
      }
      return new PasswordPolicy(common);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Why a password its user chooses is refused; empty when it may be used. */
  public Optional<Problem> check(String password, String email) {
    return password.codePointCount(0, password.length()) < MIN_LENGTH
        ? Optional.of(Problem.TOO_SHORT)
        : neitherCommonNorEmail(password, email);
  }

  /** {@link #check}, as a 400 on {@code field} when the password is refused. */
  public void require(String password, String email, String field) {
    Optional<Problem> problem = check(password, email);
    if (problem.isPresent()) {
      throw problem.get().error(field);
    }
  }

  /** {@link #checkSetAtCreation}, as a 400 on {@code field} when the password is refused. */
  public void requireAtCreation(String password, String email, String field) {
    Optional<Problem> problem = checkSetAtCreation(password, email);
    if (problem.isPresent()) {
      throw problem.get().error(field);
    }
  }

  /**
   * Why a password an administrator sets when creating a user is refused; empty when it may be
   * used. Like {@link #check}, except that 10 or 11 characters holding a digit and a symbol do.
   */
  public Optional<Problem> checkSetAtCreation(String password, String email) {
    int length = password.codePointCount(0, password.length());
    boolean generatedShape =
        length >= MIN_LENGTH_WITH_DIGIT_AND_SYMBOL
            && password.codePoints().anyMatch(Character::isDigit)
            && password.codePoints().anyMatch(PasswordPolicy::isSymbol);
    return length < MIN_LENGTH && !generatedShape
        ? Optional.of(Problem.TOO_SHORT)
        : neitherCommonNorEmail(password, email);
  }

  private Optional<Problem> neitherCommonNorEmail(String password, String email) {
    String lower = password.toLowerCase(Locale.ROOT);
    if (common.contains(lower)) {
      return Optional.of(Problem.TOO_COMMON);
    }
    if (email != null && lower.equals(email.toLowerCase(Locale.ROOT))) {
      return Optional.of(Problem.SAME_AS_EMAIL);
    }
    return Optional.empty();
  }

  private static boolean isSymbol(int c) {
    return !Character.isLetterOrDigit(c) && !Character.isWhitespace(c);
  }
}
