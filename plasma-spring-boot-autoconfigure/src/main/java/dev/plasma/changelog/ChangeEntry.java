package dev.plasma.changelog;

/**
 * One sequenced entry of {@code _plasma_changes}.
 * @param rowVersion the entry's version, the pull cursor
 * @param tableName the synced table
 * @param rowId the row's primary key as text
 * @param op {@code put} or {@code del}
 * @param value the full row as JSON for {@code put}, {@code null} for {@code del}
 * @param createdAt when the write happened (Unix ms)
 * @param clientGroupId the mutation's client group, {@code null} for writes outside a mutation
 * @param clientId the mutation's client, {@code null} for writes outside a mutation
 * @param mutationId the mutation's ID, {@code null} for writes outside a mutation
 */
public record ChangeEntry(long rowVersion, String tableName, String rowId, String op, String value, long createdAt,
		String clientGroupId, String clientId, Long mutationId) {

	/**
	 * Returns whether the entry is a delete.
	 * @return whether {@code op} is {@code del}
	 */
	public boolean isDelete() {
		return "del".equals(this.op);
	}

}
