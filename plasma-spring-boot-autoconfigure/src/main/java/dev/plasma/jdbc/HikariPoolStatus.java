package dev.plasma.jdbc;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.jspecify.annotations.Nullable;

/**
 * The status of a HikariCP pool, read from its {@link HikariPoolMXBean} (no JMX registration needed).
 * Only loaded when HikariCP is on the class path.
 */
final class HikariPoolStatus implements ConnectionPoolStatus {

	private final HikariDataSource pool;

	private HikariPoolStatus(HikariDataSource pool) {
		this.pool = pool;
	}

	static @Nullable ConnectionPoolStatus of(DataSource dataSource) {
		HikariDataSource pool = ConnectionPoolStatus.unwrap(dataSource, HikariDataSource.class);
		return (pool != null) ? new HikariPoolStatus(pool) : null;
	}

	@Override
	public boolean saturated() {
		HikariPoolMXBean bean = this.pool.getHikariPoolMXBean();
		if (bean == null) {
			return false;
		}
		int active = bean.getActiveConnections();
		return active > 0 && bean.getIdleConnections() == 0 && active >= this.pool.getMaximumPoolSize();
	}

}
