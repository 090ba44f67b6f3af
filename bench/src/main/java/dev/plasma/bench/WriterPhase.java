package dev.plasma.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

/**
 * One measured phase: {@code writers} threads, each on its own connection with autocommit off, run
 * single-row upsert transactions (one upsert, commit) on random rows for a fixed time and count commits.
 */
final class WriterPhase {

	private static final String FILLER = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".repeat(2);

	private WriterPhase() {
	}

	/**
	 * What a phase did.
	 * @param commits committed transactions
	 * @param failures transactions that failed and were rolled back
	 * @param elapsedNanos from the start signal until the last writer finished its last transaction
	 * @param firstFailure the first failure's message, or {@code null}
	 * @param latencies microseconds from sending the upsert until the commit returned, per committed transaction
	 */
	record Result(long commits, long failures, long elapsedNanos, String firstFailure,
			DelayRecorder.Distribution latencies) {

		double perSecond() {
			return this.commits / (this.elapsedNanos / 1e9);
		}

	}

	static Result run(DataSource dataSource, String upsertSql, int writers, Duration duration, int rows)
			throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(writers);
		CountDownLatch go = new CountDownLatch(1);
		AtomicLong deadline = new AtomicLong();
		AtomicLong commits = new AtomicLong();
		AtomicLong failures = new AtomicLong();
		AtomicLong lastEnd = new AtomicLong();
		AtomicReference<String> firstFailure = new AtomicReference<>();
		long[][] latencies = new long[writers][];
		List<Thread> threads = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			int writer = w;
			Thread thread = new Thread(() -> {
				long committed = 0;
				long failed = 0;
				long[] micros = new long[1024];
				try (Connection connection = dataSource.getConnection()) {
					connection.setAutoCommit(false);
					try (PreparedStatement upsert = connection.prepareStatement(upsertSql)) {
						ready.countDown();
						go.await();
						long end = deadline.get();
						ThreadLocalRandom random = ThreadLocalRandom.current();
						long sequence = 0;
						while (System.nanoTime() < end) {
							sequence++;
							long started = System.nanoTime();
							try {
								upsert.setInt(1, 1 + random.nextInt(rows));
								upsert.setString(2, "writer " + writer + " tx " + sequence + " " + FILLER);
								upsert.setLong(3, sequence);
								upsert.setLong(4, System.currentTimeMillis());
								upsert.executeUpdate();
								connection.commit();
								if (committed == micros.length) {
									micros = Arrays.copyOf(micros, micros.length * 2);
								}
								micros[(int) committed] = (System.nanoTime() - started) / 1000;
								committed++;
							}
							catch (SQLException ex) {
								failed++;
								firstFailure.compareAndSet(null, ex.getMessage());
								connection.rollback();
							}
						}
					}
				}
				catch (SQLException ex) {
					firstFailure.compareAndSet(null, ex.getMessage());
					ready.countDown();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					latencies[writer] = Arrays.copyOf(micros, (int) committed);
					commits.addAndGet(committed);
					failures.addAndGet(failed);
					lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
				}
			}, "bench-writer-" + w);
			threads.add(thread);
			thread.start();
		}
		if (!ready.await(30, TimeUnit.SECONDS)) {
			go.countDown();
			throw new IllegalStateException("writers could not get their connections within 30 s");
		}
		long start = System.nanoTime();
		deadline.set(start + duration.toNanos());
		go.countDown();
		for (Thread thread : threads) {
			thread.join(duration.toMillis() + 60_000);
			if (thread.isAlive()) {
				throw new IllegalStateException(thread.getName() + " did not finish within 60 s after the phase ended");
			}
		}
		int total = 0;
		for (long[] part : latencies) {
			total += part.length;
		}
		long[] all = new long[total];
		int at = 0;
		for (long[] part : latencies) {
			System.arraycopy(part, 0, all, at, part.length);
			at += part.length;
		}
		return new Result(commits.get(), failures.get(), lastEnd.get() - start, firstFailure.get(),
				new DelayRecorder.Distribution(all));
	}

}
