package dev.plasma.sync;

import java.util.Locale;

/**
 * Why a sync request was refused before anything ran.
 */
public enum AccessDenial {

	/** No user could be resolved for the request: HTTP 401. */
	UNAUTHENTICATED,

	/** The client group belongs to another user: HTTP 403. */
	FOREIGN_GROUP;

	/**
	 * Returns the lower-case, dashed name used in metrics.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
