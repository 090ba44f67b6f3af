package dev.plasma.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.plasma.compaction.LeaseLock;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client groups on one database: the first user owns a group, another user is refused, concurrent first
 * requests leave exactly one owner, the last-seen time is written at most once per interval, and the
 * cleanup job deletes unseen groups with their ledger rows, keeping tombstones, one instance at a time.
 */
public abstract class AbstractClientGroupsTests {

	private static final long HOUR = Duration.ofHours(1).toMillis();

	private static final long DAY = Duration.ofDays(1).toMillis();

	protected abstract TestDatabase database();

	private HikariDataSource dataSource;

	private PlasmaFixture plasma;

	private final AtomicLong now = new AtomicLong(1_000 * DAY);

	private ClientGroups groups;

	private final List<Integer> cleanups = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.dataSource = database().create(12);
		this.plasma = new PlasmaFixture(this.dataSource);
		this.groups = new ClientGroups(this.dataSource, this.now::get, HOUR);
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
	}

	private ClientGroupCleanupJob job(int batchSize) {
		return new ClientGroupCleanupJob(this.groups, new MutationLedger(this.dataSource, this.plasma.dialect),
				lock(), this.plasma.transactions, Duration.ofDays(30), batchSize,
				List.of((deleted, finishedAt) -> this.cleanups.add(deleted)));
	}

	private LeaseLock lock() {
		return new LeaseLock(this.dataSource, this.plasma.dialect, "client-cleanup", Duration.ofMinutes(5));
	}

	private long lastSeen(String group) {
		return this.plasma.jdbc.queryForObject("SELECT last_seen_at FROM _plasma_client_groups WHERE client_group_id = ?",
				Long.class, group);
	}

	private void ledgerRows(String group) {
		this.plasma.jdbc.update("INSERT INTO _plasma_client_mutations (client_group_id, client_id, last_mutation_id) "
				+ "VALUES (?, 'c1', 3)", group);
		this.plasma.jdbc.update("INSERT INTO _plasma_client_confirmations (client_group_id, client_id, mutation_id, "
				+ "row_version) VALUES (?, 'c1', 3, 7)", group);
	}

	private int ledgerRowCount(String group) {
		return this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_client_mutations WHERE client_group_id = ?",
				Integer.class, group)
				+ this.plasma.jdbc.queryForObject(
						"SELECT COUNT(*) FROM _plasma_client_confirmations WHERE client_group_id = ?", Integer.class, group);
	}

	@Test
	void theFirstUserOwnsAGroupAndAnotherUserIsRefusedWithoutAnyWrite() {
		assertThat(this.groups.claim("g1", "alice")).isEqualTo(ClientGroupAccess.OWNED);
		this.now.addAndGet(2 * HOUR);

		assertThat(this.groups.claim("g1", "bob")).isEqualTo(ClientGroupAccess.FOREIGN);
		assertThat(lastSeen("g1")).isEqualTo(1_000 * DAY);
		assertThat(this.groups.claim("g1", "alice")).isEqualTo(ClientGroupAccess.OWNED);
		assertThat(this.plasma.jdbc.queryForObject("SELECT owner FROM _plasma_client_groups WHERE client_group_id = 'g1'",
				String.class)).isEqualTo("alice");
	}

	@Test
	void concurrentFirstRequestsOfEightUsersLeaveExactlyOneOwner() throws Exception {
		for (int round = 0; round < 10; round++) {
			String group = "race-" + round;
			CountDownLatch start = new CountDownLatch(1);
			ExecutorService pool = Executors.newFixedThreadPool(8);
			List<Future<ClientGroupAccess>> answers = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				String user = "user-" + i;
				answers.add(pool.submit(() -> {
					start.await();
					return this.groups.claim(group, user);
				}));
			}
			start.countDown();
			List<ClientGroupAccess> accesses = new ArrayList<>();
			for (Future<ClientGroupAccess> answer : answers) {
				accesses.add(answer.get());
			}
			pool.shutdown();

			assertThat(accesses).filteredOn((access) -> access == ClientGroupAccess.OWNED).hasSize(1);
			assertThat(accesses).filteredOn((access) -> access == ClientGroupAccess.FOREIGN).hasSize(7);
		}
	}

	@Test
	void theLastSeenTimeIsWrittenAtMostOncePerInterval() {
		this.groups.claim("g1", "alice");
		long created = lastSeen("g1");

		this.now.addAndGet(HOUR - 1);
		this.groups.claim("g1", "alice");
		assertThat(lastSeen("g1")).isEqualTo(created);

		this.now.addAndGet(2);
		this.groups.claim("g1", "alice");
		assertThat(lastSeen("g1")).isEqualTo(created + HOUR + 1);
	}

	@Test
	void cleanupDeletesGroupsUnseenForTheRetentionWithTheirLedgerRowsInBatchesAndKeepsTombstones() {
		for (int i = 0; i < 5; i++) {
			this.groups.claim("old-" + i, "alice");
			ledgerRows("old-" + i);
		}
		this.now.addAndGet(20 * DAY);
		this.groups.claim("recent", "bob");
		ledgerRows("recent");
		this.now.addAndGet(11 * DAY);

		Optional<Integer> deleted = job(2).run();

		assertThat(deleted).contains(5);
		assertThat(this.cleanups).containsExactly(5);
		for (int i = 0; i < 5; i++) {
			assertThat(ledgerRowCount("old-" + i)).isZero();
			assertThat(this.groups.claim("old-" + i, "alice")).isEqualTo(ClientGroupAccess.DELETED);
			assertThat(this.groups.claim("old-" + i, "bob")).isEqualTo(ClientGroupAccess.DELETED);
		}
		assertThat(ledgerRowCount("recent")).isEqualTo(2);
		assertThat(this.groups.claim("recent", "bob")).isEqualTo(ClientGroupAccess.OWNED);
		assertThat(this.groups.count()).isEqualTo(new ClientGroups.Counts(1, 5));
		assertThat(job(2).run()).contains(0);
	}

	@Test
	void aGroupSeenAgainBeforeTheCleanupReachesItSurvives() {
		this.groups.claim("g1", "alice");
		this.now.addAndGet(31 * DAY);
		List<String> unseen = this.groups.unseenSince(this.now.get() - 30 * DAY, 10);
		this.groups.claim("g1", "alice");

		assertThat(unseen).containsExactly("g1");
		assertThat(this.groups.tombstone("g1", this.now.get() - 30 * DAY)).isFalse();
		assertThat(this.groups.claim("g1", "alice")).isEqualTo(ClientGroupAccess.OWNED);
	}

	@Test
	void cleanupIsSkippedWhileAnotherInstanceHoldsTheLease() {
		this.groups.claim("g1", "alice");
		this.now.addAndGet(31 * DAY);

		try (LeaseLock.Lease other = lock().tryAcquire().orElseThrow()) {
			assertThat(job(10).run()).isEmpty();
		}
		assertThat(this.groups.claim("g1", "alice")).isEqualTo(ClientGroupAccess.OWNED);
		assertThat(this.cleanups).isEmpty();
	}

}
