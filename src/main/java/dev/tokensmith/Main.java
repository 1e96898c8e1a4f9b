package dev.tokensmith;

public final class Main {
  public static void main(String[] args) {
  }
}
