package dev.plasma.poke;

/**
 * Carries realtime signals between the application instances sharing one database: "the head moved"
 * (which leads to pokes) and "a presence room changed". Only small signals travel: a receiver reads which
 * audiences a head move concerns from the change log itself (one query per instance, see
 * {@link PokeHub}), and a room's members from {@code _plasma_presence}. Replace the bean to carry the
 * signals over Redis or a message broker.
 * <p>
 * A bus delivers its own instance's signals to its subscribers at once, and other instances' signals as
 * soon as it learns of them. Duplicate or out-of-order head signals are harmless.
 */
public interface PokeBus {

	/**
	 * Announces a head move sequenced on this instance.
	 * @param head the move
	 */
	void publishHead(HeadAdvanced head);

	/**
	 * Announces that the members of a presence room changed on this instance.
	 * @param room the room
	 */
	void publishRoom(String room);

	/**
	 * Registers a subscriber for signals of every instance, this one included.
	 * @param subscriber the subscriber
	 */
	void subscribe(Subscriber subscriber);

	/**
	 * Returns whether {@link Subscriber#roomChanged} is also called for other instances' rooms; when not,
	 * presence re-reads this instance's rooms every poll interval.
	 * @return whether room changes of other instances are delivered
	 */
	boolean deliversRemoteRoomChanges();

	/**
	 * Receives the signals of a {@link PokeBus}. Called on the bus's threads: return quickly.
	 */
	interface Subscriber {

		/**
		 * The head moved.
		 * @param head the move
		 */
		void headAdvanced(HeadAdvanced head);

		/**
		 * A presence room changed.
		 * @param room the room
		 */
		default void roomChanged(String room) {
		}

	}

}
