package dev.plasma.sequencer;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link Sequencer} continuously on its own daemon thread, {@code plasma-sequencer}: the next
 * flush right after a non-empty one (entries arriving meanwhile make the next flush), otherwise after
 * {@code pollInterval}. The loop's flushes are shared with {@link Sequencer#flush()} callers (pushes), so
 * the loop and the pushes of one instance never queue on the sequencer's row lock behind each other. Started when the application
 * context is refreshed and stopped with it. Errors are logged and retried with back-off, never fatal.
 */
public class SequencerLoop implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(SequencerLoop.class);

	private final Sequencer sequencer;

	private final Duration pollInterval;

	private volatile Thread thread;

	private volatile boolean running;

	/**
	 * Creates the loop.
	 * @param sequencer the sequencer to run
	 * @param pollInterval pause between batches when nothing more is pending
	 */
	public SequencerLoop(Sequencer sequencer, Duration pollInterval) {
		this.sequencer = sequencer;
		this.pollInterval = pollInterval;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		Thread worker = new Thread(this::run, "plasma-sequencer");
		worker.setDaemon(true);
		this.thread = worker;
		worker.start();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		Thread worker = this.thread;
		if (worker != null) {
			worker.interrupt();
			try {
				worker.join(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.thread = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void run() {
		long backoffMillis = 0;
		while (this.running) {
			try {
				int sequenced = this.sequencer.flushForLoop();
				backoffMillis = 0;
				if (sequenced == 0) {
					Thread.sleep(this.pollInterval.toMillis());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				backoffMillis = Math.min(5000, Math.max(100, backoffMillis * 2));
				logger.warn("Plasma: sequencer batch failed, retrying in " + backoffMillis + " ms: " + ex.getMessage());
				try {
					Thread.sleep(backoffMillis);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

}
