package dev.plasma.sequencer;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import dev.plasma.scheduling.DaemonWorker;

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

	private final DaemonWorker worker = new DaemonWorker("plasma-sequencer", this::run);

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
	public void start() {
		this.worker.start();
	}

	@Override
	public void stop() {
		this.worker.stop();
	}

	@Override
	public boolean isRunning() {
		return this.worker.isRunning();
	}

	private void run() {
		long backoffMillis = 0;
		while (this.worker.isRunning()) {
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
				if (!this.worker.isRunning()) {
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
