package io.committed.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain {@link HttpClient} for the node's API. Every answer that is not 2xx is checked to be
 * the error envelope {@code {"code","message","details"?}} in JSON.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient http;

  public ApiClient(URI base, String token) {
    this(base, token, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  public ApiClient(URI base, String token, HttpClient http) {
    this.base = base;
    this.token = token;
    this.http = http;
  }

  public URI base() {
    return base;
  }

  /** The same node, with another token (null: none). */
  public ApiClient withToken(String other) {
    return new ApiClient(base, other, http);
  }

  public Response get(String path) {
    return send("GET", path, null, null);
  }

  public Response delete(String path) {
    return send("DELETE", path, null, null);
  }

  public Response postJson(String path, String json) {
    return send("POST", path, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  public Response postToml(String path, String toml) {
    return send("POST", path, "text/toml", toml.getBytes(StandardCharsets.UTF_8));
  }

  public Response post(String path) {
    return send("POST", path, null, null);
  }

  public Response send(String method, String path, String contentType, byte[] body) {
    return send(method, path, contentType, body, List.of());
  }

  /** Sends a request; {@code headers} are name, value pairs. */
  public Response send(String method, String path, String contentType, byte[] body, List<String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.size(); i += 2) {
      b.header(headers.get(i), headers.get(i + 1));
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      Response response = new Response(r.statusCode(), r.headers(), r.body());
      if (r.statusCode() >= 300 && !method.equals("HEAD")) {
        response.assertEnvelope();
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An answer. */
  public record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + text(), e);
      }
    }

    public String code() {
      return json().path("code").asText();
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    /** Asserts the status, showing the body when it differs. */
    public Response expect(int expected) {
      assertThat(status).as("status of an answer with body %s", text()).isEqualTo(expected);
      return this;
    }

    /** Asserts an error answer: status and code. */
    public Response expectError(int expected, String code) {
      expect(expected);
      assertThat(code()).as("code of %s", text()).isEqualTo(code);
      return this;
    }

    void assertEnvelope() {
      assertThat(header("Content-Type")).as("content type of a %s answer: %s", status, text())
          .startsWith("application/json");
      JsonNode j = json();
      List<String> fields = new ArrayList<>();
      j.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).as("error envelope %s", text()).contains("code", "message")
          .isSubsetOf("code", "message", "details");
      assertThat(j.get("code").isTextual() && !j.get("code").asText().isEmpty()).as(text()).isTrue();
      assertThat(j.get("message").isTextual() && !j.get("message").asText().isEmpty()).as(text()).isTrue();
    }
  }
}
