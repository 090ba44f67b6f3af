package dev.plasma.poke;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import dev.plasma.access.ReadRules;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's sends with fake connections: a connection whose write blocks never delays another's pokes or
 * heartbeats, gets no second send while one is in flight, and is dropped and counted after the send
 * timeout; a write that ignores the interrupt does not take a sender thread from the others.
 */
class PokeHubSendTests {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private final AtomicInteger dropped = new AtomicInteger();

	private PokeHub hub;

	private PokeHub start(int sendThreads, Duration sendTimeout) {
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(
				"jdbc:h2:mem:pokehub" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "", true);
		new JdbcTemplate(dataSource).execute("CREATE TABLE _plasma_sequencer (region VARCHAR(64), head BIGINT)");
		PokeObserver observer = new PokeObserver() {

			@Override
			public void pokeSent(PokeTransport transport, long delayMillis) {
			}

			@Override
			public void connectionDropped(PokeTransport transport) {
				PokeHubSendTests.this.dropped.incrementAndGet();
			}

		};
		this.hub = new PokeHub(dataSource, null, ReadRules.NONE, Duration.ofMillis(50), Duration.ofMillis(100), 100,
				sendThreads, sendTimeout, observer);
		this.hub.start();
		return this.hub;
	}

	@AfterEach
	void stop() {
		if (this.hub != null) {
			this.hub.stop();
		}
	}

	@Test
	void aConnectionWhoseWriteBlocksDelaysNeitherTheOfferNorAnotherConnectionAndIsDroppedAfterTheTimeout()
			throws Exception {
		PokeHub hub = start(2, Duration.ofMillis(600));
		StuckConnection stuck = new StuckConnection(true);
		RecordingConnection normal = new RecordingConnection();
		assertThat(hub.register(stuck)).isTrue();
		assertThat(hub.register(normal)).isTrue();
		long offered = System.nanoTime();
		stuck.offer(1, System.currentTimeMillis());
		normal.offer(1, System.currentTimeMillis());
		assertThat(stuck.writing.await(2, TimeUnit.SECONDS)).as("the stuck write began").isTrue();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - offered)).as("offers never write").isLessThan(100);
		assertThat(normal.pokes.poll(1, TimeUnit.SECONDS)).isEqualTo(1);
		for (long version = 2; version <= 10; version++) {
			stuck.offer(version, System.currentTimeMillis());
			normal.offer(version, System.currentTimeMillis());
			Thread.sleep(20);
		}
		assertThat(lastPoke(normal, 10)).as("the burst's last version reaches the other connection").isEqualTo(10);
		assertThat(normal.beats.get()).as("heartbeats go on beside the stuck write").isPositive();
		assertThat(stuck.sends.get()).as("no second send while one is in flight").isOne();
		assertThat(stuck.ended.await(3, TimeUnit.SECONDS)).as("ended after the timeout").isTrue();
		assertThat(stuck.interrupted).as("its write was interrupted").isTrue();
		assertThat(stuck.endedOn).as("ended by the thread that wrote to it").isEqualTo(stuck.writer);
		assertThat(stuck.isClosed()).isTrue();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while ((hub.connections(PokeTransport.SSE) != 1 || this.dropped.get() != 1) && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(hub.connections(PokeTransport.SSE)).as("the other connection is still there").isOne();
		assertThat(this.dropped.get()).isOne();
		normal.offer(11, System.currentTimeMillis());
		assertThat(lastPoke(normal, 11)).isEqualTo(11);
	}

	@Test
	void aWriteThatIgnoresTheInterruptDoesNotTakeTheOnlySenderThreadFromTheOthersBeyondTheTimeout() throws Exception {
		PokeHub hub = start(1, Duration.ofMillis(300));
		StuckConnection stuck = new StuckConnection(false);
		RecordingConnection normal = new RecordingConnection();
		hub.register(stuck);
		hub.register(normal);
		stuck.offer(1, System.currentTimeMillis());
		assertThat(stuck.writing.await(2, TimeUnit.SECONDS)).isTrue();
		normal.offer(1, System.currentTimeMillis());
		assertThat(normal.pokes.poll(2, TimeUnit.SECONDS)).as("a replacement sender thread pokes the other").isEqualTo(1);
		assertThat(this.dropped.get()).isOne();
		assertThat(hub.connections(PokeTransport.SSE)).isOne();
		assertThat(stuck.ended.getCount()).as("not ended while its write still blocks").isOne();
		stuck.release.countDown();
		assertThat(stuck.ended.await(2, TimeUnit.SECONDS)).as("ended once the write returned").isTrue();
		assertThat(stuck.endedOn).isEqualTo(stuck.writer);
		normal.offer(2, System.currentTimeMillis());
		assertThat(lastPoke(normal, 2)).isEqualTo(2);
	}

	private static long lastPoke(RecordingConnection connection, long expected) throws InterruptedException {
		long last = -1;
		long end = System.currentTimeMillis() + 2000;
		while (last != expected && System.currentTimeMillis() < end) {
			Long poke = connection.pokes.poll(100, TimeUnit.MILLISECONDS);
			if (poke != null) {
				last = poke;
			}
		}
		return last;
	}

	/** Records its pokes and heartbeats. */
	private static final class RecordingConnection extends PokeConnection {

		final BlockingQueue<Long> pokes = new LinkedBlockingQueue<>();

		final AtomicInteger beats = new AtomicInteger();

		RecordingConnection() {
			super("alice", PokeTransport.SSE);
		}

		@Override
		protected void sendPoke(long version) {
			this.pokes.add(version);
		}

		@Override
		protected void sendHeartbeat() {
			this.beats.incrementAndGet();
		}

		@Override
		protected void end() {
		}

	}

	/** A client that stopped reading: its first write blocks until released (or interrupted, if it may be). */
	private static final class StuckConnection extends PokeConnection {

		private final boolean interruptible;

		final CountDownLatch writing = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final CountDownLatch ended = new CountDownLatch(1);

		final AtomicInteger sends = new AtomicInteger();

		volatile boolean interrupted;

		volatile Thread writer;

		volatile Thread endedOn;

		StuckConnection(boolean interruptible) {
			super("bob", PokeTransport.SSE);
			this.interruptible = interruptible;
		}

		@Override
		protected void sendPoke(long version) throws IOException {
			this.sends.incrementAndGet();
			block();
		}

		@Override
		protected void sendHeartbeat() throws IOException {
			this.sends.incrementAndGet();
			block();
		}

		private void block() throws IOException {
			this.writer = Thread.currentThread();
			this.writing.countDown();
			while (true) {
				try {
					this.release.await();
					return;
				}
				catch (InterruptedException ex) {
					this.interrupted = true;
					if (this.interruptible) {
						throw new InterruptedIOException("write interrupted");
					}
				}
			}
		}

		@Override
		protected void end() {
			this.endedOn = Thread.currentThread();
			this.ended.countDown();
		}

	}

}
