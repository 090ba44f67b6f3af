package dev.plasma.poke;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The subscribers of a {@link PokeBus} on this instance, each told in turn; a failing subscriber is
 * logged and does not keep the others from hearing.
 */
final class LocalDelivery {

	private static final Log logger = LogFactory.getLog(LocalDelivery.class);

	private final List<PokeBus.Subscriber> subscribers = new CopyOnWriteArrayList<>();

	void add(PokeBus.Subscriber subscriber) {
		this.subscribers.add(subscriber);
	}

	void head(HeadAdvanced head) {
		for (PokeBus.Subscriber subscriber : this.subscribers) {
			try {
				subscriber.headAdvanced(head);
			}
			catch (RuntimeException ex) {
				logger.warn("Plasma: a poke subscriber failed", ex);
			}
		}
	}

	void room(String room) {
		for (PokeBus.Subscriber subscriber : this.subscribers) {
			try {
				subscriber.roomChanged(room);
			}
			catch (RuntimeException ex) {
				logger.warn("Plasma: a presence subscriber failed", ex);
			}
		}
	}

}
