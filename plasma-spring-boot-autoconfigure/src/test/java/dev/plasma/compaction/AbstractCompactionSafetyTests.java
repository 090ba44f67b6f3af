package dev.plasma.compaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;

import dev.plasma.changelog.ChangeEntry;
import dev.plasma.compaction.CompactionTestSupport.Client;
import dev.plasma.schema.SyncedTables;
import dev.plasma.sequencer.SequencerLoop;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PullResult;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static dev.plasma.compaction.CompactionTestSupport.databaseState;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 7 under fire: writers insert, update and delete rows in transactions (some rolled back), on a
 * window of rows that keeps moving so that rows fall quiet with their last change, while
 * pullers page through the change log, pause, and jump back to states they held earlier (so that cookies
 * from every point in history keep arriving), and two compactors compact concurrently up to random
 * versions with random batch sizes. At the end every client, and every earlier state of every client,
 * pulls its way to exactly the database's rows: resets are allowed, divergence is not. Compacting to the
 * head then leaves exactly one put per existing row, and replaying that log gives the table.
 */
public abstract class AbstractCompactionSafetyTests {

	private static final int KEYS = 16;

	/**
	 * Writers pick rows from a window of {@code KEYS} IDs that moves up by one this often, so rows stop
	 * being written one after another: a client that missed a row's last change keeps the wrong row.
	 */
	private static final Duration WINDOW_MOVES_EVERY = Duration.ofMillis(40);

	private static final int WRITERS = 3;

	private static final int PULLERS = 5;

	private static final int COMPACTORS = 2;

	private static final Duration RUN_FOR = Duration.ofSeconds(3);

	/**
	 * Writes stop after this many transactions: the final catch-ups pull the whole log in pages of 3 to 19
	 * entries, so a fast database (H2 in memory, a warm JVM) must not make the log unboundedly long (a
	 * CI run spent 9 minutes catching up).
	 */
	private static final long MAX_WRITES = 3_000;

	protected abstract TestDatabase database();

	@Test
	void everyClientFromEveryPointInHistoryConvergesWhileCompactionsRunConcurrently() throws Exception {
		try (HikariDataSource dataSource = database().create(WRITERS + PULLERS + COMPACTORS + 6)) {
			PlasmaFixture plasma = new PlasmaFixture(dataSource);
			plasma.jdbc.execute("CREATE TABLE stock (id INT PRIMARY KEY, v INT NOT NULL)");
			SyncedTables tables = plasma.install(PlasmaFixture.synced("stock"));
			SequencerLoop loop = new SequencerLoop(plasma.sequencer, Duration.ofMillis(2));
			loop.start();
			AtomicBoolean running = new AtomicBoolean(true);
			AtomicLong writes = new AtomicLong();
			AtomicInteger compactions = new AtomicInteger();
			AtomicLong removed = new AtomicLong();
			Queue<Throwable> compactionFailures = new ConcurrentLinkedQueue<>();
			List<Puller> pullers = new ArrayList<>();
			for (int i = 0; i < PULLERS; i++) {
				pullers.add(new Puller(plasma.pullProcessor(tables, 3 + i * 4)));
			}
			ExecutorService executor = Executors.newFixedThreadPool(WRITERS + PULLERS + COMPACTORS);
			List<Future<?>> tasks = new ArrayList<>();
			try {
				for (int i = 0; i < WRITERS; i++) {
					tasks.add(executor.submit(() -> write(plasma, running, writes)));
				}
				for (Puller puller : pullers) {
					tasks.add(executor.submit(() -> puller.run(running)));
				}
				for (int i = 0; i < COMPACTORS; i++) {
					tasks.add(executor.submit(() -> compact(plasma, running, compactions, removed, compactionFailures)));
				}
				Thread.sleep(RUN_FOR.toMillis());
				// On a busy machine 3 s may not be enough to mean something: run on, within a bound.
				long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
				while ((writes.get() <= 50 || compactions.get() <= 5) && System.nanoTime() < deadline) {
					Thread.sleep(50);
				}
				running.set(false);
				for (Future<?> task : tasks) {
					task.get(60, TimeUnit.SECONDS);
				}
			}
			finally {
				running.set(false);
				executor.shutdownNow();
				loop.stop();
			}
			assertThat(compactionFailures).isEmpty();
			assertThat(writes.get()).isGreaterThan(50);
			assertThat(compactions.get()).isGreaterThan(5);
			assertThat(removed.get()).isPositive();

			long head = plasma.sequencer.flush();
			Map<String, String> database = databaseState(dataSource, plasma.dialect, tables);
			int resets = 0;
			int incrementals = 0;
			int histories = 0;
			for (Puller puller : pullers) {
				PullProcessor pull = puller.pull;
				catchUp(pull, puller.client, head);
				assertThat(puller.client.rows).as("a client that kept pulling").isEqualTo(database);
				for (Client earlier : puller.history) {
					catchUp(pull, earlier, head);
					assertThat(earlier.rows).as("a client restored to an earlier state").isEqualTo(database);
					histories++;
				}
				resets += puller.client.resets;
				incrementals += puller.client.incrementals;
			}
			assertThat(histories).isGreaterThan(PULLERS);
			assertThat(resets).as("compaction sent some clients back to a reset").isGreaterThan(PULLERS);
			assertThat(incrementals).isGreaterThan(resets);

			new ChangeLogCompactor(dataSource, plasma.dialect, 7, List.of()).compactChangeLog(head);
			List<ChangeEntry> log = plasma.changeLog.readAfter(0, 100_000);
			Map<String, String> replayed = new HashMap<>();
			for (ChangeEntry entry : log) {
				assertThat(entry.isDelete()).isFalse();
				assertThat(replayed.put(CompactionTestSupport.key(entry), entry.value())).isNull();
			}
			assertThat(replayed).isEqualTo(database);
			long compactedEntries = plasma.jdbc.queryForObject("SELECT compacted_entries FROM _plasma_sequencer",
					Long.class);
			assertThat((long) log.size()).isEqualTo(head - compactedEntries);
		}
	}

	/**
	 * Pulls until the client is at {@code head}. Every page must move the cookie forward (a small page size
	 * over a long log takes many pages, so the bound is the number of versions, not a fixed count).
	 */
	private static void catchUp(PullProcessor pull, Client client, long head) {
		for (long pulls = 0; pulls <= head + 1; pulls++) {
			Long before = client.cookie;
			PullResult result = pull.pull("g1", before);
			client.apply(result);
			if (!result.hasMore() && client.cookie == head) {
				return;
			}
			if (before != null && client.cookie <= before) {
				throw new AssertionError("a pull with more waiting did not move the cookie: " + before + " -> "
						+ client.cookie + " (head " + head + ")");
			}
		}
		throw new AssertionError("client did not catch up to " + head + ", at " + client.cookie);
	}

	private static void write(PlasmaFixture plasma, AtomicBoolean running, AtomicLong writes) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long started = System.nanoTime();
		while (running.get()) {
			if (writes.get() >= MAX_WRITES) {
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				continue;
			}
			int window = (int) ((System.nanoTime() - started) / WINDOW_MOVES_EVERY.toNanos());
			try {
				plasma.transactions.executeWithoutResult((status) -> {
					int operations = 1 + random.nextInt(3);
					for (int i = 0; i < operations; i++) {
						int id = window + random.nextInt(KEYS);
						if (random.nextInt(4) == 0) {
							plasma.jdbc.update("DELETE FROM stock WHERE id = ?", id);
						}
						else if (plasma.jdbc.update("UPDATE stock SET v = ? WHERE id = ?", random.nextInt(1000), id) == 0) {
							plasma.jdbc.update("INSERT INTO stock (id, v) VALUES (?, ?)", id, random.nextInt(1000));
						}
					}
					if (random.nextInt(10) == 0) {
						status.setRollbackOnly();
					}
				});
				writes.incrementAndGet();
			}
			catch (DataAccessException ex) {
				// a duplicate insert or a deadlock between writers: that transaction rolled back
			}
		}
	}

	private static void compact(PlasmaFixture plasma, AtomicBoolean running, AtomicInteger compactions,
			AtomicLong removed, Queue<Throwable> failures) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (running.get()) {
			try {
				long head = plasma.sequencer.head();
				long upTo = random.nextBoolean() ? Math.max(0, head - random.nextInt(30)) : random.nextLong(head + 1);
				CompactionResult result = new ChangeLogCompactor(plasma.dataSource, plasma.dialect, 1 + random.nextInt(8),
						List.of())
					.compactChangeLog(upTo);
				compactions.incrementAndGet();
				removed.addAndGet(result.removed());
				Thread.sleep(random.nextInt(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				failures.add(ex);
			}
		}
	}

	/**
	 * A client that pulls in pages, sometimes pauses (its cookie falls behind the floor), and sometimes
	 * goes back to a state it held earlier; it keeps some earlier states for the final check.
	 */
	private static final class Puller {

		final PullProcessor pull;

		final Client client = new Client();

		final List<Client> history = new ArrayList<>();

		Puller(PullProcessor pull) {
			this.pull = pull;
		}

		void run(AtomicBoolean running) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			List<Client> snapshots = new ArrayList<>();
			try {
				while (running.get()) {
					int dice = random.nextInt(20);
					if (dice < 2) {
						Thread.sleep(random.nextInt(150));
					}
					else if (dice < 4 && !snapshots.isEmpty()) {
						Client earlier = snapshots.get(random.nextInt(snapshots.size()));
						this.client.rows.clear();
						this.client.rows.putAll(earlier.rows);
						this.client.cookie = earlier.cookie;
					}
					else {
						this.client.apply(this.pull.pull("g1", this.client.cookie));
						if (random.nextInt(5) == 0) {
							snapshots.add(this.client.copy());
						}
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			for (int i = 0; i < Math.min(4, snapshots.size()); i++) {
				this.history.add(snapshots.get(random.nextInt(snapshots.size())).copy());
			}
		}

	}

}
