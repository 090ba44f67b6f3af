package dev.plasma.compaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.plasma.changelog.ChangeEntry;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The compaction job on one database: the retention cutoff on database time, and the lease that keeps
 * two application instances from compacting at the same time.
 */
public abstract class AbstractCompactionJobTests {

	private static final long HOUR = Duration.ofHours(1).toMillis();

	protected abstract TestDatabase database();

	private HikariDataSource dataSource;

	private PlasmaFixture plasma;

	@BeforeEach
	void setUp() {
		this.dataSource = database().create(12);
		this.plasma = new PlasmaFixture(this.dataSource);
		this.plasma.jdbc.execute("CREATE TABLE items (id VARCHAR(64) PRIMARY KEY, v INT NOT NULL)");
		this.plasma.install(PlasmaFixture.synced("items"));
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
	}

	private CompactionJob job(DataSource source, Duration retention, Duration lease) {
		return new CompactionJob(new ChangeLogCompactor(source, this.plasma.dialect, 3, List.of()),
				new LeaseLock(this.dataSource, this.plasma.dialect, "compaction", lease), this.dataSource,
				this.plasma.dialect, retention);
	}

	private LeaseLock lock(Duration lease) {
		return new LeaseLock(this.dataSource, this.plasma.dialect, "compaction", lease);
	}

	private long writeTenEntries() {
		for (int i = 1; i <= 10; i++) {
			this.plasma.jdbc.update("INSERT INTO items (id, v) VALUES (?, ?)", "r" + (i % 3) + "-" + i, i);
		}
		return this.plasma.sequencer.flush();
	}

	private void age(long fromVersion, long toVersion, long millis) {
		this.plasma.jdbc.update(
				"UPDATE _plasma_changes SET created_at = created_at - ? WHERE row_version >= ? AND row_version <= ?", millis,
				fromVersion, toVersion);
	}

	private static List<Long> versions(List<ChangeEntry> entries) {
		return entries.stream().map(ChangeEntry::rowVersion).toList();
	}

	private long compactedTo() {
		return this.plasma.jdbc.queryForObject("SELECT compacted_to FROM _plasma_sequencer", Long.class);
	}

	@Test
	void theRetentionCutoffStopsJustBelowTheFirstEntryYoungerThanTheWindow() {
		long head = writeTenEntries();
		CompactionJob job = job(this.dataSource, Duration.ofHours(1), Duration.ofMinutes(1));
		assertThat(job.retentionCutoffVersion()).as("all young").isZero();

		age(1, 3, 2 * HOUR);
		age(5, 6, 2 * HOUR);
		assertThat(job.retentionCutoffVersion()).as("version 4 is young").isEqualTo(3);

		age(4, 4, 2 * HOUR);
		assertThat(job.retentionCutoffVersion()).isEqualTo(6);

		age(7, head, 2 * HOUR);
		assertThat(job.retentionCutoffVersion()).isEqualTo(head);
		assertThat(job(this.dataSource, Duration.ZERO, Duration.ofMinutes(1)).retentionCutoffVersion()).isEqualTo(head);
	}

	@Test
	void aRunCompactsOnlyEntriesOlderThanTheRetentionAndAnotherRunStartsWhereItStopped() {
		for (int round = 0; round < 4; round++) {
			for (int i = 0; i < 3; i++) {
				this.plasma.jdbc.update("DELETE FROM items WHERE id = ?", "k" + i);
				this.plasma.jdbc.update("INSERT INTO items (id, v) VALUES (?, ?)", "k" + i, round);
			}
		}
		long head = this.plasma.sequencer.flush();
		List<ChangeEntry> before = this.plasma.changeLog.readAfter(0, 1000);
		age(1, 12, 2 * HOUR);
		CompactionJob job = job(this.dataSource, Duration.ofHours(1), Duration.ofMinutes(1));

		CompactionResult first = job.run(null).orElseThrow();

		assertThat(first.upToVersion()).isEqualTo(12);
		assertThat(first.floor()).isEqualTo(12);
		assertThat(versions(this.plasma.changeLog.readAfter(0, 1000)))
			.containsExactlyElementsOf(versions(CompactionTestSupport.compacted(before, 12)));
		age(13, head, 2 * HOUR);
		CompactionResult second = job.run(null).orElseThrow();
		assertThat(second.examined()).isEqualTo(head - 12);
		assertThat(versions(this.plasma.changeLog.readAfter(0, 1000)))
			.containsExactlyElementsOf(versions(CompactionTestSupport.compacted(before, head)));
		assertThat(compactedTo()).isEqualTo(head);
	}

	@Test
	void whileOneInstanceCompactsAnotherSkipsAndAfterwardsItMayCompact() throws Exception {
		long head = writeTenEntries();
		CountDownLatch compacting = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		DataSource slow = CompactionTestSupport.onPrepare(this.dataSource,
				(sql) -> sql.contains("SET compaction_floor"), () -> {
					compacting.countDown();
					try {
						release.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
		CompactionJob first = job(slow, Duration.ZERO, Duration.ofMinutes(1));
		CompactionJob second = job(this.dataSource, Duration.ZERO, Duration.ofMinutes(1));
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<Optional<CompactionResult>> running = executor.submit(() -> first.run(null));
			assertThat(compacting.await(10, TimeUnit.SECONDS)).isTrue();

			assertThat(second.run(null)).isEmpty();
			assertThat(second.run(5L)).isEmpty();
			assertThat(compactedTo()).isZero();

			release.countDown();
			assertThat(running.get(10, TimeUnit.SECONDS)).hasValueSatisfying(
					(result) -> assertThat(result.upToVersion()).isEqualTo(head));
			assertThat(second.run(null)).isPresent();
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
	}

	@Test
	void aReleasedLeaseIsFreeAtOnceAndAHeldOneIsNot() {
		LeaseLock one = lock(Duration.ofMinutes(1));
		LeaseLock other = lock(Duration.ofMinutes(1));

		Optional<LeaseLock.Lease> held = one.tryAcquire();
		assertThat(held).isPresent();
		assertThat(other.tryAcquire()).isEmpty();
		held.get().renew();
		assertThat(other.tryAcquire()).isEmpty();
		held.get().close();

		assertThat(other.tryAcquire()).isPresent();
		assertThat(one.tryAcquire()).isEmpty();
	}

	@Test
	void aLeaseThatRanOutCanBeTakenAndItsFormerHolderStopsAtItsNextRenewal() throws Exception {
		LeaseLock shortLived = lock(Duration.ofMillis(300));
		LeaseLock other = lock(Duration.ofMinutes(1));
		LeaseLock.Lease stale = shortLived.tryAcquire().orElseThrow();
		assertThat(other.tryAcquire()).isEmpty();

		Thread.sleep(450);
		LeaseLock.Lease taken = other.tryAcquire().orElseThrow();

		assertThatExceptionOfType(CompactionStoppedException.class).isThrownBy(stale::renew)
			.withMessageContaining("lost the lease");
		stale.close();
		assertThat(shortLived.tryAcquire()).as("closing a lost lease frees nothing").isEmpty();
		taken.close();
	}

	@Test
	void racingInstancesGetTheLeaseExactlyOnceWhetherTheRowIsMissingOrFree() throws Exception {
		for (int round = 0; round < 2; round++) {
			int threads = 8;
			CyclicBarrier start = new CyclicBarrier(threads);
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			try {
				List<Future<Optional<LeaseLock.Lease>>> attempts = new ArrayList<>();
				for (int i = 0; i < threads; i++) {
					LeaseLock lock = lock(Duration.ofMinutes(1));
					attempts.add(executor.submit(() -> {
						start.await(10, TimeUnit.SECONDS);
						return lock.tryAcquire();
					}));
				}
				List<LeaseLock.Lease> winners = new ArrayList<>();
				for (Future<Optional<LeaseLock.Lease>> attempt : attempts) {
					attempt.get(30, TimeUnit.SECONDS).ifPresent(winners::add);
				}
				assertThat(winners).as("round " + round).hasSize(1);
				winners.get(0).close();
			}
			finally {
				executor.shutdownNow();
			}
		}
	}

}
