package dev.plasma.blob;

import org.jspecify.annotations.Nullable;

/**
 * One row of {@code _plasma_blob_refs}: a row's file column referencing a blob.
 * @param hash the blob's hash
 * @param table the table's configured name
 * @param rowId the row's key as in the change log
 * @param column the file column's key in row JSON
 * @param scope the row's read-rule value when the reference was written, {@code null} for a table without a rule
 */
public record BlobRef(String hash, String table, String rowId, String column, @Nullable String scope) {
}
