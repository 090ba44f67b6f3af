package dev.plasma.sync;

import java.util.Locale;

/**
 * What a push did with one mutation.
 */
public enum MutationOutcome {

	/** Ran and committed; the ledger advanced. */
	APPLIED,

	/** Already processed earlier ({@code id <= last}); skipped. */
	DUPLICATE,

	/** Failed permanently; its writes were rolled back, the ledger advanced anyway. */
	FAILED,

	/** Not run: an earlier mutation of the client is missing ({@code id > last + 1}); the client resends. */
	GAP;

	/**
	 * Returns the lower-case name used in metrics and responses.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
