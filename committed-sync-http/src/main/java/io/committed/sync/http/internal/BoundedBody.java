package io.committed.sync.http.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects at most {@code limit} bytes of a response body, then cancels the rest: a receiver's
 * error page can be of any size, and only its start goes into a message.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final int limit;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  BoundedBody(int limit) {
    this.limit = limit;
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      int n = Math.min(b.remaining(), limit - out.size());
      byte[] chunk = new byte[n];
      b.get(chunk);
      out.writeBytes(chunk);
    }
    if (out.size() >= limit && !result.isDone()) {
      result.complete(out.toByteArray());
      subscription.cancel();
    }
  }

  @Override
  public void onError(Throwable t) {
    result.complete(out.toByteArray()); // what arrived is enough for a message
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }
}
