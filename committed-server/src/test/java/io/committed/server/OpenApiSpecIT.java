package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.committed.server.support.TestNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /openapi.yaml} describes exactly the routes the router has, and holds together. */
class OpenApiSpecIT {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options");
  private static TestNode node;
  private static JsonNode spec;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start();
    String served = node.client().get("/openapi.yaml").expect(200).text();
    spec = new ObjectMapper(new YAMLFactory()).readTree(served);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void everyRouteIsInTheSpecAndEveryOperationIsARoute() {
    Set<String> documented = new TreeSet<>();
    spec.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
      if (METHODS.contains(m)) {
        documented.add(m.toUpperCase() + " " + p.getKey());
      }
    }));
    Set<String> routed = new TreeSet<>(node.server().routes());
    assertThat(routed).as("routes the router registered").hasSizeGreaterThan(30);
    assertThat(documented).as("operations in /openapi.yaml").isEqualTo(routed);
  }

  @Test
  void itIsOpenApi31WithUniqueOperationsThatDeclareTheirParametersAndErrors() {
    assertThat(spec.get("openapi").asText()).isEqualTo("3.1.0");
    Set<String> ids = new HashSet<>();
    Pattern param = Pattern.compile("\\{([^}]+)}");
    spec.get("paths").fields().forEachRemaining(p -> {
      Set<String> templated = new TreeSet<>();
      Matcher m = param.matcher(p.getKey());
      while (m.find()) {
        templated.add(m.group(1));
      }
      p.getValue().fields().forEachRemaining(op -> {
        if (!METHODS.contains(op.getKey())) {
          return;
        }
        String where = op.getKey() + " " + p.getKey();
        JsonNode o = op.getValue();
        assertThat(ids.add(o.path("operationId").asText())).as("unique operationId of %s", where).isTrue();
        assertThat(o.path("summary").asText()).as("summary of %s", where).isNotBlank();
        assertThat(o.path("tags").size()).as("tags of %s", where).isPositive();
        Set<String> declared = new TreeSet<>();
        for (JsonNode list : List.of(p.getValue().path("parameters"), o.path("parameters"))) {
          for (JsonNode prm : list) {
            JsonNode resolved = resolve(prm);
            if (resolved.path("in").asText().equals("path")) {
              declared.add(resolved.path("name").asText());
              assertThat(resolved.path("required").asBoolean()).as("path parameter of %s is required", where).isTrue();
            }
          }
        }
        assertThat(declared).as("path parameters of %s", where).isEqualTo(templated);
        JsonNode responses = o.path("responses");
        assertThat(responses.size()).as("responses of %s", where).isPositive();
        responses.fields().forEachRemaining(r -> {
          if (r.getKey().charAt(0) >= '4') {
            JsonNode schema = resolve(r.getValue()).at("/content/application~1json/schema");
            assertThat(schema.path("$ref").asText()).as("error %s of %s uses the envelope", r.getKey(), where)
                .isEqualTo("#/components/schemas/Error");
          }
        });
        boolean open = o.has("security") && o.get("security").isEmpty();
        assertThat(open).as("%s is open exactly when it is outside /v1", where).isEqualTo(!p.getKey().startsWith("/v1/"));
        if (!open) {
          assertThat(responses.has("401")).as("%s documents 401", where).isTrue();
        }
      });
    });
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(spec, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(spec.at(ref.substring(1)).isMissingNode()).as("target of %s", ref).isFalse();
    }
  }

  private static JsonNode resolve(JsonNode n) {
    return n.has("$ref") ? spec.at(n.get("$ref").asText().substring(1)) : n;
  }

  private static void collectRefs(JsonNode n, List<String> out) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("$ref")) {
          out.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), out);
        }
      }
    } else if (n.isArray()) {
      n.forEach(x -> collectRefs(x, out));
    }
  }
}
