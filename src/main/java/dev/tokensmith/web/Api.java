package dev.tokensmith.web;

/** A feature's HTTP face: registers its endpoints. */
public interface Api {
  void routes(Routes routes);
}
