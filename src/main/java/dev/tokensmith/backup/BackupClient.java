package dev.tokensmith.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The command line's side of the local admin channel: asks the running server for a backup. */
public final class BackupClient {
  /** The server answered, but not with a backup. */
  public static final class Refused extends IOException {
    Refused(String why) {
      super(why);
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * Asks the server behind {@code channel} for a backup and returns the file it wrote into the data
   * folder.
   *
   * @throws java.net.ConnectException when nothing listens there (no server runs)
   * @throws Refused when the server answered otherwise
   */
  public Path backup(AdminChannel channel) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + channel.port() + "/backup"))
            .header(BackupApi.KEY_HEADER, channel.key())
            .header("Content-Type", "application/json")
            // A large database takes a while to copy.
            .timeout(Duration.ofHours(1))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode answer;
    try {
      answer = new ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      throw new Refused("the server answered " + response.statusCode() + " with no backup");
    }
    if (response.statusCode() != 200 || !answer.path("body").path("file").isTextual()) {
      throw new Refused(
          "the server answered " + response.statusCode() + ": " + answer.path("body").toString());
    }
    return Path.of(answer.path("body").path("file").asText());
  }
}
