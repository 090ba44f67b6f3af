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
 * @param scope for a table with a read rule, the rule column's value after the write as text
 * ({@code null} for {@code del}); otherwise {@code null}
 * @param oldScope for a table with a read rule, the rule column's value before the write ({@code null} for
 * an insert, or for the {@code put} of a row whose key changed); otherwise {@code null}
 * @param region the region whose version space {@code rowVersion} belongs to
 * @param batchOrder the order of the sequencer batch that gave the entry its version: entries of one row
 * sort by {@code (batchOrder, rowVersion)} in the order their writes happened, across regions
 */
public record ChangeEntry(long rowVersion, String tableName, String rowId, String op, String value, long createdAt,
		String clientGroupId, String clientId, Long mutationId, String scope, String oldScope, String region,
		long batchOrder) {

	/**
	 * Creates an entry of region {@code "0"}.
	 * @param rowVersion the entry's version
	 * @param tableName the synced table
	 * @param rowId the row's primary key as text
	 * @param op {@code put} or {@code del}
	 * @param value the row JSON or {@code null}
	 * @param createdAt when the write happened (Unix ms)
	 * @param clientGroupId the mutation's client group or {@code null}
	 * @param clientId the mutation's client or {@code null}
	 * @param mutationId the mutation's ID or {@code null}
	 * @param scope the rule column's value after the write, or {@code null}
	 * @param oldScope the rule column's value before the write, or {@code null}
	 */
	public ChangeEntry(long rowVersion, String tableName, String rowId, String op, String value, long createdAt,
			String clientGroupId, String clientId, Long mutationId, String scope, String oldScope) {
		this(rowVersion, tableName, rowId, op, value, createdAt, clientGroupId, clientId, mutationId, scope, oldScope,
				"0", 0);
	}

	/**
	 * Creates an entry of a table without a read rule.
	 * @param rowVersion the entry's version
	 * @param tableName the synced table
	 * @param rowId the row's primary key as text
	 * @param op {@code put} or {@code del}
	 * @param value the row JSON or {@code null}
	 * @param createdAt when the write happened (Unix ms)
	 * @param clientGroupId the mutation's client group or {@code null}
	 * @param clientId the mutation's client or {@code null}
	 * @param mutationId the mutation's ID or {@code null}
	 */
	public ChangeEntry(long rowVersion, String tableName, String rowId, String op, String value, long createdAt,
			String clientGroupId, String clientId, Long mutationId) {
		this(rowVersion, tableName, rowId, op, value, createdAt, clientGroupId, clientId, mutationId, null, null);
	}

	/**
	 * Returns whether the entry is a delete.
	 * @return whether {@code op} is {@code del}
	 */
	public boolean isDelete() {
		return "del".equals(this.op);
	}

}
