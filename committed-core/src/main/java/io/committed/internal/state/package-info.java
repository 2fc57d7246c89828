/**
 * The deterministic state machine every engine applies commands to: no clock, no randomness, no
 * iteration over unordered collections, so every node holds byte-identical state.
 */
package io.committed.internal.state;
