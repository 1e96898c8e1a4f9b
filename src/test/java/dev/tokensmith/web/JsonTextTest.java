package dev.tokensmith.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonText answer() {
    return JsonText.withCapacity(8)
        .append('{')
        .append(JsonText.encoded("\"name\":\"Zoë\",\"n\":"))
        .append(-42)
        .append(',')
        .append(JsonText.encoded("\"list\":[\"a:view\"]"))
        .append(',')
        .appendAscii("\"none\":null")
        .append('}');
  }

  @Test
  void envelopeWhenOkThenTheBodyInsideStatusAndBody() throws Exception {
    JsonText text = answer();
    assertThat(text.length()).isEqualTo(answer().envelope(200).length() - 22);

    JsonNode envelope = JSON.readTree(text.envelope(200).getBytes());

    assertThat(envelope.path("status").asInt()).isEqualTo(200);
    assertThat(envelope.path("body").path("name").asText()).isEqualTo("Zoë");
    assertThat(envelope.path("body").path("n").asLong()).isEqualTo(-42);
    assertThat(envelope.path("body").path("list").get(0).asText()).isEqualTo("a:view");
    assertThat(envelope.path("body").path("none").isNull()).isTrue();
  }

  @Test
  void envelopeWhenAnotherStatusThenThatStatusAndTheSameBody() throws Exception {
    String ok = answer().envelope(200).toString(StandardCharsets.UTF_8);

    String created = answer().envelope(201).toString(StandardCharsets.UTF_8);

    assertThat(created).isEqualTo(ok.replace("\"status\":200", "\"status\":201"));
    assertThat(JSON.readTree(created).path("status").asInt()).isEqualTo(201);
  }

  @Test
  void appendWhenNotAsciiThenRefused() {
    JsonText text = JsonText.withCapacity(8);

    assertThatThrownBy(() -> text.append('é')).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> text.appendAscii("2031-06-30T00:00Zé"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void envelopeWhenWrittenTwiceThenRefused() {
    JsonText text = answer();
    text.envelope(200);

    assertThatThrownBy(() -> text.envelope(200)).isInstanceOf(IllegalStateException.class);
  }
}
