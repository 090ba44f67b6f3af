package dev.plasma.sync;

/**
 * One operation of a pull patch.
 * @param op {@code clear}, {@code put} or {@code del}
 * @param key {@code <table>/<row id>}, {@code null} for {@code clear}
 * @param value the row's JSON for {@code put}, otherwise {@code null}
 */
public record PatchOperation(String op, String key, String value) {

	/** The operation that empties the client's store. */
	public static final PatchOperation CLEAR = new PatchOperation("clear", null, null);

	public static PatchOperation put(String key, String value) {
		return new PatchOperation("put", key, value);
	}

	public static PatchOperation del(String key) {
		return new PatchOperation("del", key, null);
	}

}
