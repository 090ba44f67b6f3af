package dev.plasma.scheduling;

import org.jspecify.annotations.Nullable;

/**
 * One named daemon thread running a loop, for a background component's {@code SmartLifecycle}: starting it
 * twice starts one thread; stopping interrupts the thread and waits up to five seconds for it to end. The loop
 * runs while {@link #isRunning()} is true.
 */
public final class DaemonWorker {

	private static final long JOIN_MILLIS = 5000;

	private final String name;

	private final Runnable loop;

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	/**
	 * Creates the worker.
	 * @param name the thread's name
	 * @param loop what the thread runs; it should return once {@link #isRunning()} turns false
	 */
	public DaemonWorker(String name, Runnable loop) {
		this.name = name;
		this.loop = loop;
	}

	/** Starts the thread, unless it runs already. */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread worker = new Thread(this.loop, this.name);
		worker.setDaemon(true);
		this.thread = worker;
		worker.start();
	}

	/** Tells the loop to stop, interrupts the thread and waits for it to end (at most five seconds). */
	public synchronized void stop() {
		this.running = false;
		Thread worker = this.thread;
		if (worker != null) {
			worker.interrupt();
			try {
				worker.join(JOIN_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.thread = null;
	}

	/**
	 * Tells whether the worker was started and not stopped since.
	 * @return whether the loop should go on
	 */
	public boolean isRunning() {
		return this.running;
	}

}
