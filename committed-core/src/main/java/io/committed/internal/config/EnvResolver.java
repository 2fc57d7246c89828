package io.committed.internal.config;

import io.committed.api.ConfigException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME}} references in config strings from the environment. In lenient mode
 * (validating a document) an unset variable is left as written; in strict mode (using it) it is an
 * error that names the field and the variable.
 */
public final class EnvResolver {
  static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final UnaryOperator<String> env;
  private final boolean strict;

  public EnvResolver(UnaryOperator<String> env, boolean strict) {
    this.env = env;
    this.strict = strict;
  }

  /** Resolves against the process environment. */
  public static EnvResolver system(boolean strict) {
    return new EnvResolver(System::getenv, strict);
  }

  public boolean strict() {
    return strict;
  }

  public String resolve(String field, String value) {
    if (value.indexOf("${") < 0) {
      return value;
    }
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String v = env.apply(name);
      if (v == null) {
        if (strict) {
          throw new ConfigException(field, field + " refers to environment variable " + name + ", which is not set");
        }
        v = m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
