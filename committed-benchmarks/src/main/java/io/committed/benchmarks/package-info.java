/**
 * JMH benchmarks and harnesses with a {@code main}; run them from the shaded jar, never as timed
 * assertions in tests.
 */
package io.committed.benchmarks;
