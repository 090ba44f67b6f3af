package dev.plasma.sync;

/**
 * Receives a pull's answer as it is read: {@link #begin(PullHeader)} once, then the patch operations in
 * order. A reset's rows arrive one by one while the pull's read transaction is open, so a sink can write
 * a full state of any size without holding it in memory.
 * @see PullProcessor#pull(String, Long, PatchSink)
 */
public interface PatchSink {

	/**
	 * Called once, before any operation.
	 * @param header the cookie version, confirmations and flags of the answer
	 */
	void begin(PullHeader header);

	/**
	 * Receives one patch operation.
	 * @param op {@code clear}, {@code put} or {@code del}
	 * @param key {@code <table>/<row id>}, {@code null} for {@code clear}
	 * @param value the row's JSON for {@code put}, otherwise {@code null}
	 */
	void operation(String op, String key, String value);

}
