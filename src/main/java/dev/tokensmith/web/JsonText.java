package dev.tokensmith.web;

/**
 * A body that is already JSON text, written into the envelope as it is: for an answer on the hot
 * path that is cheaper to assemble from ready-made parts than to serialise. Its maker guarantees
 * that the text is one valid JSON value.
 */
public record JsonText(String text) {}
