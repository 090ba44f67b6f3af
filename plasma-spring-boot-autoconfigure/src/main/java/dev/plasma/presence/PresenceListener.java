package dev.plasma.presence;

import java.util.List;

/**
 * A connection that receives the members of the rooms it joined.
 */
@FunctionalInterface
public interface PresenceListener {

	/**
	 * The members of a room, all of them, after a join, an update or a leave.
	 * @param room the room
	 * @param members the members in the order they joined
	 */
	void presence(String room, List<PresenceMember> members);

}
