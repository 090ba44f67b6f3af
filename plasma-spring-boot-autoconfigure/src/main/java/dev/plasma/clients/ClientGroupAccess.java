package dev.plasma.clients;

/**
 * Whether a user may use a client group, as {@link ClientGroups#claim} finds it.
 */
public enum ClientGroupAccess {

	/** The group belongs to the user (possibly claimed just now). */
	OWNED,

	/** The group belongs to another user: HTTP 403, nothing changes. */
	FOREIGN,

	/** The group was deleted for inactivity: the client must start a new group. */
	DELETED

}
