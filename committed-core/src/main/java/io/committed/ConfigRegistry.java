package io.committed;

import java.util.List;
import java.util.Optional;

/**
 * The versioned documents of one {@link ConfigKind}, kept in the log so every node agrees on them.
 * Every change makes a new version; any version can be rolled back to, which writes its content as
 * a new version.
 *
 * <p>Changes ({@link #define}, {@link #rollback}, {@link #remove}) validate first, then wait until
 * the change is committed and applied on this node (up to the log's operation timeout). They
 * throw
 *
 * <ul>
 *   <li>{@link io.committed.api.ConfigException} for an invalid document, naming the field;
 *   <li>{@link io.committed.api.NotFoundException} for an unknown id or version;
 *   <li>{@link io.committed.api.ProposalRejectedException} with reason {@code CONFLICT} when the
 *       change is not allowed in the current state (a type removed, a concurrent change);
 *   <li>{@link io.committed.api.RetriableException} when it could not be committed in time.
 * </ul>
 *
 * <p>In every error case nothing was written. Reads come from this node's applied state.
 */
public interface ConfigRegistry {

  /** The kind of documents kept here. */
  ConfigKind kind();

  /**
   * Defines {@code id}, or replaces its current document. Posting a document byte-identical to the
   * current one changes nothing and returns the current version.
   *
   * @param id 1 to 128 letters, digits, {@code _ . -}, starting with a letter or digit
   * @param format the document's format
   * @param document the document's bytes, stored exactly as given
   * @return the version now current
   */
  ConfigVersion define(String id, ConfigFormat format, byte[] document);

  /**
   * Like {@link #define(String, ConfigFormat, byte[])} for a UTF-8 document whose format is
   * detected: JSON when it starts with <code>{</code>, TOML otherwise.
   */
  ConfigVersion define(String id, String document);

  /** The current document of every defined id, ordered by id. */
  List<ConfigDocument> list();

  /** The current document of {@code id}; empty when it is not defined (or was removed). */
  Optional<ConfigDocument> get(String id);

  /**
   * The version history of {@code id}, newest first, marking the current version.
   *
   * @throws io.committed.api.NotFoundException when {@code id} was never defined
   */
  List<ConfigVersion> versions(String id);

  /**
   * One version of {@code id}.
   *
   * @throws io.committed.api.NotFoundException when {@code id} or the version does not exist
   */
  ConfigDocument version(String id, int version);

  /**
   * Makes the content of {@code version} current again, as a new version. The content is
   * validated again first (a database it refers to may be gone). Types cannot be rolled back
   * (a schema change needs a migration): post a new version instead.
   *
   * @return the new current version (the current one when it already has that content)
   */
  ConfigVersion rollback(String id, int version);

  /**
   * Removes {@code id}: its worker stops and its replicated progress is forgotten; its version
   * history stays. Types cannot be removed.
   *
   * @throws io.committed.api.NotFoundException when {@code id} is not defined
   */
  void remove(String id);
}
