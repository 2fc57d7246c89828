package io.committed.server.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/proposals} split into its proposals: a JSON array of proposal
 * documents, or NDJSON (one per line, blank lines skipped).
 *
 * <p>A body that cannot be split into items (not JSON, not an array, a line that is not JSON, no
 * items, more than the limit) is refused whole, so nothing of it is written. An item that is JSON
 * but not a valid proposal becomes an {@link Item} with its error, in its place, and the others
 * are still written.
 */
final class ProposalBatch {
  private ProposalBatch() {}

  /** One item: its proposal, or the error that refused it (exactly one of the two is set). */
  record Item(Proposal proposal, ApiError error) {}

  /**
   * The items of a JSON array.
   *
   * @throws ApiError 400 {@code invalid_json} or {@code invalid_request} for a malformed body,
   *     413 {@code batch_too_large} for more than {@code max} items
   */
  static List<Item> array(byte[] body, int max) {
    List<Item> items = new ArrayList<>();
    try (JsonParser p = Json.FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw ApiError.badRequest("invalid_request", "a batch is a JSON array of proposals, [{\"entities\":[...]}, ...],"
            + " or NDJSON (one proposal per line) sent as application/x-ndjson");
      }
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw new ApiError(400, "invalid_json", "the body ends inside the batch's array");
        }
        if (items.size() == max) {
          throw tooMany(max);
        }
        if (t == JsonToken.START_OBJECT) {
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren(); // checks the item's syntax: a malformed item fails the whole body
          int end = (int) p.currentLocation().getByteOffset();
          items.add(item(body, start, end - start, items.size(), -1));
        } else {
          p.skipChildren();
          items.add(new Item(null, itemError(ApiError.badRequest("invalid_request", "a proposal is a JSON object: "
              + "{\"entities\":[{\"typeId\":...,\"key\":...,\"data\":...}]}"), items.size())));
        }
      }
      if (p.nextToken() != null) {
        throw ApiError.badRequest("invalid_json", "unexpected content after the batch's closing bracket at "
            + where(p.currentTokenLocation()));
      }
    } catch (JsonProcessingException e) {
      throw new ApiError(400, "invalid_json", "the body is not valid JSON: " + e.getOriginalMessage() + " at "
          + where(e.getLocation()));
    } catch (IOException e) {
      throw new ApiError(400, "invalid_json", "the body could not be read as JSON: " + e.getMessage());
    }
    return nonEmpty(items);
  }

  /**
   * The items of an NDJSON body, one proposal per line ({@code \n} or {@code \r\n}); blank lines
   * are skipped.
   *
   * @throws ApiError 400 {@code invalid_json} (with {@code details.line}) for a line that is not
   *     JSON, 413 {@code batch_too_large} for more than {@code max} items
   */
  static List<Item> lines(byte[] body, int max) {
    List<Item> items = new ArrayList<>();
    int line = 0;
    int start = 0;
    while (start < body.length) {
      line++;
      int end = start;
      while (end < body.length && body[end] != '\n') {
        end++;
      }
      int next = end + 1;
      if (end > start && body[end - 1] == '\r') {
        end--;
      }
      if (!blank(body, start, end)) {
        if (items.size() == max) {
          throw tooMany(max);
        }
        items.add(item(body, start, end - start, items.size(), line));
      }
      start = next;
    }
    return nonEmpty(items);
  }

  private static Item item(byte[] body, int offset, int length, int index, int line) {
    try {
      return new Item(ProposalCodec.parse(body, offset, length), null);
    } catch (ApiError e) {
      if (e.code().equals("invalid_json")) {
        throw new ApiError(400, "invalid_json", (line > 0 ? "line " + line : "item #" + index) + ": "
            + e.getMessage(), line > 0 ? Map.of("item", index, "line", line) : Map.of("item", index));
      }
      return new Item(null, itemError(e, index));
    } catch (ProposalRejectedException e) {
      return new Item(null, itemError(Errors.toApiError(e), index));
    }
  }

  /** The item's error, with its position added to the details. */
  private static ApiError itemError(ApiError e, int index) {
    Map<String, Object> details = new java.util.TreeMap<>(e.details());
    details.put("item", index);
    return new ApiError(e.status(), e.code(), e.getMessage(), details);
  }

  private static boolean blank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  private static List<Item> nonEmpty(List<Item> items) {
    if (items.isEmpty()) {
      throw ApiError.badRequest("empty_batch", "the batch has no proposals");
    }
    return items;
  }

  private static ApiError tooMany(int max) {
    return new ApiError(413, "batch_too_large", "the batch has more than " + max
        + " proposals (COMMITTED_MAX_BATCH_PROPOSALS): split it", Map.of("limit", max));
  }

  private static String where(JsonLocation l) {
    return l == null ? "an unknown position" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
  }
}
