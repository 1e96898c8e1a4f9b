package dev.tokensmith.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Certificates read from a PEM file, for a setting that names one; read once, at start. */
final class PemCertificates {
  private PemCertificates() {}

  /**
   * The X.509 certificates in {@code file} (one or more {@code -----BEGIN CERTIFICATE-----}
   * blocks).
   *
   * @throws Settings.Invalid naming {@code setting} when the file cannot be read or holds none
   */
  static List<X509Certificate> load(String setting, Path file) {
    Collection<? extends Certificate> read;
    try (InputStream in = Files.newInputStream(file)) {
      read = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new Settings.Invalid(setting + " cannot be read: " + file);
    } catch (CertificateException e) {
      throw new Settings.Invalid(setting + " is not a PEM file of certificates: " + file);
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (Certificate certificate : read) {
      if (certificate instanceof X509Certificate x509) {
        certificates.add(x509);
      }
    }
    if (certificates.isEmpty()) {
      throw new Settings.Invalid(setting + " holds no certificate: " + file);
    }
    return List.copyOf(certificates);
  }
}
