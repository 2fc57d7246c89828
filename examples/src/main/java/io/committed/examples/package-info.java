/** Runnable examples; each has a test, and the README quotes them. */
package io.committed.examples;
