package dev.plasma.compaction;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The compaction schedule (on H2; the job and its lease are tested on every database): cron runs on
 * Plasma's own thread with one log line each, retention holds back young entries, {@code "-"} disables
 * the schedule but not the job, and a bad cron expression is refused up front.
 */
@ExtendWith(OutputCaptureExtension.class)
class CompactionSchedulerTests {

	private HikariDataSource dataSource;

	private PlasmaFixture plasma;

	private final Set<String> threads = ConcurrentHashMap.newKeySet();

	@BeforeEach
	void setUp() {
		this.dataSource = TestDatabase.H2.create(4);
		this.plasma = new PlasmaFixture(this.dataSource);
		this.plasma.jdbc.execute("CREATE TABLE items (id VARCHAR(64) PRIMARY KEY, v INT NOT NULL)");
		this.plasma.install(PlasmaFixture.synced("items"));
		for (int i = 0; i < 6; i++) {
			this.plasma.jdbc.update("DELETE FROM items WHERE id = 'a'");
			this.plasma.jdbc.update("INSERT INTO items (id, v) VALUES ('a', ?)", i);
		}
		this.plasma.sequencer.flush();
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
	}

	private CompactionJob job(Duration retention) {
		CompactionListener recordThread = new CompactionListener() {
			@Override
			public void compacted(CompactionResult result) {
				CompactionSchedulerTests.this.threads.add(Thread.currentThread().getName());
			}
		};
		return new CompactionJob(new ChangeLogCompactor(this.dataSource, this.plasma.dialect, 100, List.of(recordThread)),
				new LeaseLock(this.dataSource, this.plasma.dialect, "compaction", Duration.ofMinutes(1)), this.dataSource,
				this.plasma.dialect, retention);
	}

	private long floor() {
		return this.plasma.jdbc.queryForObject("SELECT compaction_floor FROM _plasma_sequencer", Long.class);
	}

	private static boolean eventually(BooleanSupplier condition, Duration within) throws InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return true;
			}
			Thread.sleep(50);
		}
		return condition.getAsBoolean();
	}

	@Test
	void aCronScheduleRunsTheJobOnPlasmasOwnThreadWithOneLogLinePerRun(CapturedOutput output) throws Exception {
		CompactionScheduler scheduler = new CompactionScheduler(job(Duration.ZERO), "* * * * * *");
		scheduler.start();
		try {
			// The floor commits before the listener hears of the run: wait for both.
			assertThat(eventually(() -> floor() > 0 && !this.threads.isEmpty(), Duration.ofSeconds(5))).isTrue();
		}
		finally {
			scheduler.stop();
		}
		assertThat(this.threads).isNotEmpty().allMatch((name) -> name.startsWith("plasma-compaction-"));
		assertThat(output).contains("Plasma: compacted the change log up to version");
		assertThat(eventually(() -> Thread.getAllStackTraces()
			.keySet()
			.stream()
			.noneMatch((thread) -> thread.getName().startsWith("plasma-compaction-")), Duration.ofSeconds(5)))
			.as("the scheduler's thread ends with it")
			.isTrue();
	}

	@Test
	void scheduledRunsLeaveEntriesYoungerThanTheRetentionAlone(CapturedOutput output) throws Exception {
		CompactionScheduler scheduler = new CompactionScheduler(job(Duration.ofHours(1)), "* * * * * *");
		scheduler.start();
		try {
			assertThat(eventually(() -> output.toString().contains("found nothing to compact"), Duration.ofSeconds(5)))
				.isTrue();
		}
		finally {
			scheduler.stop();
		}
		assertThat(floor()).isZero();
		assertThat(this.plasma.changeLog.readAfter(0, 100)).hasSize(11);
	}

	@Test
	void aDashDisablesTheScheduleButTheJobStillRunsOnDemand() throws Exception {
		CompactionJob job = job(Duration.ZERO);
		CompactionScheduler scheduler = new CompactionScheduler(job, "-");
		scheduler.start();
		try {
			assertThat(scheduler.isRunning()).isTrue();
			assertThat(scheduler.isScheduled()).isFalse();
			Thread.sleep(1500);
			assertThat(floor()).isZero();

			assertThat(job.run(null)).isPresent();
			assertThat(floor()).isPositive();
		}
		finally {
			scheduler.stop();
		}
	}

	@Test
	void anInvalidCronExpressionIsRefusedNamingTheProperty() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CompactionScheduler(job(Duration.ZERO), "every hour"))
			.withMessageContaining("plasma.compaction.cron")
			.withMessageContaining("every hour");
		assertThatIllegalArgumentException().isThrownBy(() -> new CompactionScheduler(job(Duration.ZERO), "0 */15 * * *"))
			.withMessageContaining("six fields");
	}

}
