package io.committed.ingest.mysql.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One topic of an ingestable: the tables whose rows become entities of that type, and how.
 *
 * @param topic the type id the entities are written as
 * @param tables the tables captured into it
 * @param primaryKey the key columns, in key order; empty to use each table's primary key
 * @param mapAllColumns true to map every column (except {@code excludeColumns}); false to map only
 *     {@code mappings}
 * @param excludeColumns columns left out of the data when mapping all columns
 * @param jsonColumns text columns whose content is JSON, embedded as JSON rather than a string
 * @param mappings column name to JSON field name, in document order
 */
public record TopicSpec(
    String topic,
    List<TableName> tables,
    List<String> primaryKey,
    boolean mapAllColumns,
    Set<String> excludeColumns,
    Set<String> jsonColumns,
    Map<String, String> mappings) {}
