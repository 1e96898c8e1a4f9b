package dev.tokensmith.keys;

import java.util.Objects;

/**
 * The keyring in force on this instance: replaced when the key files change, or when every running
 * instance holds a newer version (see {@link KeyHolders}). Every {@link TokenSecrets} of an
 * instance shares one, so a rotation reaches token secrets and node tokens at once.
 */
public final class ActiveKeys {
  private volatile Keyring keyring;

  /** Keys in force from the start: {@code keyring}. */
  public ActiveKeys(Keyring keyring) {
    this.keyring = Objects.requireNonNull(keyring, "keyring");
  }

  /** The keyring in force now. */
  public Keyring get() {
    return keyring;
  }

  /** Puts {@code next} in force for every later seal, open and digest. */
  public void set(Keyring next) {
    this.keyring = Objects.requireNonNull(next, "keyring");
  }

  @Override
  public String toString() {
    return keyring.toString();
  }
}
