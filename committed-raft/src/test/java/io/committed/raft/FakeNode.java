package io.committed.raft;

import com.alipay.sofa.jraft.Node;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Function;

/** A JRaft node for unit tests: answers the methods it is given (by name, from their arguments), refuses the rest. */
final class FakeNode {
  private FakeNode() {}

  static Node answering(Map<String, Function<Object[], Object>> answers) {
    return (Node) Proxy.newProxyInstance(Node.class.getClassLoader(), new Class<?>[] {Node.class}, (p, method, args) -> {
      Function<Object[], Object> answer = answers.get(method.getName());
      if (answer == null) {
        throw new UnsupportedOperationException(method.getName());
      }
      return answer.apply(args);
    });
  }
}
