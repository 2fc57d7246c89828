package io.committed;

import java.time.Instant;

/**
 * An entry of a config's version history.
 *
 * @param version the version number, 1 for the first
 * @param current true for the version in effect (none is current after a remove)
 * @param createdAt when this version was proposed
 * @param restoredFrom the version this one rolled back to, or 0
 */
public record ConfigVersion(int version, boolean current, Instant createdAt, int restoredFrom) {}
