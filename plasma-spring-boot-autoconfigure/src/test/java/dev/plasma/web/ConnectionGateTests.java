package dev.plasma.web;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.plasma.jdbc.ConnectionPoolStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The gate over real HikariCP pools: one on an in-memory H2 database whose connections are all held (a
 * busy database), one on a port where nothing listens (an unreachable one).
 */
class ConnectionGateTests {

	private static final Duration WAIT = Duration.ofMillis(300);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		Collections.reverse(this.closeables);
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void saturatedPoolThatAnsweredRecentlyLetsRequestsQueueInsteadOfRefusingThem() throws Exception {
		HikariDataSource pool = pool("jdbc:h2:mem:gate-busy;DB_CLOSE_DELAY=-1", 2);
		ConnectionGate gate = new ConnectionGate(pool, WAIT, Duration.ofSeconds(5));
		gate.answered();
		holdAll(pool, 2);
		assertThat(ConnectionPoolStatus.of(pool).saturated()).isTrue();
		Thread.sleep(300);
		long started = System.nanoTime();
		gate.enter();
		gate.enter();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WAIT);
	}

	@Test
	void saturatedPoolThatNeverAnsweredIsRefusedAfterTheWaitAndForTheRetryAfter() throws Exception {
		HikariDataSource pool = pool("jdbc:h2:mem:gate-stuck;DB_CLOSE_DELAY=-1", 2);
		ConnectionGate gate = new ConnectionGate(pool, WAIT, Duration.ofSeconds(5));
		holdAll(pool, 2);
		long started = System.nanoTime();
		assertThatExceptionOfType(DatabaseUnavailableException.class).isThrownBy(gate::enter)
			.withMessageContaining("plasma.web.connection-wait")
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(5)));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(WAIT);
		started = System.nanoTime();
		assertThatExceptionOfType(DatabaseUnavailableException.class).isThrownBy(gate::enter);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(100));
	}

	@Test
	void unreachableDatabaseIsRefusedEvenRightAfterAnAnswer() throws Exception {
		HikariDataSource pool = pool("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1", 2);
		ConnectionGate gate = new ConnectionGate(pool, WAIT, Duration.ofSeconds(1));
		gate.answered();
		Thread.sleep(300);
		assertThat(ConnectionPoolStatus.of(pool).saturated()).isFalse();
		assertThatExceptionOfType(DatabaseUnavailableException.class).isThrownBy(gate::enter);
	}

	@Test
	void freePoolLetsRequestsThroughAndAPoolOfUnknownKindIsNeverSaturated() throws Exception {
		HikariDataSource pool = pool("jdbc:h2:mem:gate-free;DB_CLOSE_DELAY=-1", 2);
		ConnectionGate gate = new ConnectionGate(pool, Duration.ofSeconds(5), Duration.ofSeconds(5));
		gate.enter();
		assertThat(ConnectionPoolStatus.of(pool).saturated()).isFalse();
		assertThat(ConnectionPoolStatus.of(new org.h2.jdbcx.JdbcDataSource())).isSameAs(ConnectionPoolStatus.UNKNOWN);
	}

	private HikariDataSource pool(String url, int size) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(url.startsWith("jdbc:h2") ? "sa" : "postgres");
		config.setMaximumPoolSize(size);
		config.setMinimumIdle(0);
		config.setConnectionTimeout(1000);
		config.setInitializationFailTimeout(-1);
		HikariDataSource pool = new HikariDataSource(config);
		this.closeables.add(pool);
		return pool;
	}

	private void holdAll(HikariDataSource pool, int size) throws Exception {
		for (int i = 0; i < size; i++) {
			Connection connection = pool.getConnection();
			this.closeables.add(connection);
		}
	}

}
