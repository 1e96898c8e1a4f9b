package dev.tokensmith.access;

import java.util.Optional;

/** Finds clients by id; the clients feature's service is one. */
public interface Accounts {
  Optional<? extends Account> find(long id);
}
