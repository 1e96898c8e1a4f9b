package dev.tokensmith.access;

import dev.tokensmith.permissions.PermissionSet;
import java.time.Instant;

/**
 * The token a request was made with, as access decisions see it; the tokens feature's {@code
 * ApiToken} is one.
 */
public interface Credential {
  long id();

  long clientId();

  /** The owner; null for a shared token. */
  Long userId();

  long createdBy();

  boolean shared();

  String realname();

  String secretHint();

  /** When it stops working; null = never. */
  Instant expireAt();

  /** What the token itself grants, before its owner's cap. */
  PermissionSet permissionSet();

  /** True for a token made for registering node instances only ({@code usage: node_deployment}). */
  boolean nodeDeployment();
}
