package dev.plasma.poke;

import org.springframework.context.SmartLifecycle;

/**
 * A {@link PokeBus} that learns of other instances' signals on one daemon thread of its own, started and
 * stopped with the application context; this instance's own signals go to the subscribers at once.
 */
abstract class ThreadedPokeBus implements PokeBus, SmartLifecycle {

	private final String threadName;

	private final LocalDelivery delivery = new LocalDelivery();

	private volatile boolean running;

	private Thread thread;

	ThreadedPokeBus(String threadName) {
		this.threadName = threadName;
	}

	@Override
	public void subscribe(Subscriber subscriber) {
		this.delivery.add(subscriber);
	}

	final LocalDelivery delivery() {
		return this.delivery;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.thread = new Thread(this::listen, this.threadName);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.thread != null) {
			this.thread.interrupt();
			this.thread = null;
		}
		stopped();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Runs on the bus's thread until {@link #isRunning()} turns false.
	 */
	abstract void listen();

	/**
	 * Called once the thread was told to stop.
	 */
	void stopped() {
	}

}
