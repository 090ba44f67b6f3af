package dev.plasma.jdbc;

import java.sql.SQLException;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * What a connection pool says about itself: whether every connection it may hold is open and in use.
 * <p>
 * A saturated pool is a busy database, not an unreachable one: its connections were handed out and are
 * working (or waiting for locks). Callers that fail fast on an unreachable database use this to let requests
 * queue for a connection instead. Known pools: HikariCP (when it is on the class path); any other data
 * source reports {@link #UNKNOWN}, never saturated.
 */
@FunctionalInterface
public interface ConnectionPoolStatus {

	/**
	 * A pool that tells nothing: never saturated.
	 */
	ConnectionPoolStatus UNKNOWN = () -> false;

	/**
	 * Returns whether the pool holds as many connections as it may and all of them are in use.
	 * @return whether the pool is saturated
	 */
	boolean saturated();

	/**
	 * Returns the status of the pool behind a data source.
	 * @param dataSource the data source
	 * @return its pool's status, or {@link #UNKNOWN} for a pool Plasma does not know
	 */
	static ConnectionPoolStatus of(DataSource dataSource) {
		if (ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", ConnectionPoolStatus.class.getClassLoader())) {
			ConnectionPoolStatus hikari = HikariPoolStatus.of(dataSource);
			if (hikari != null) {
				return hikari;
			}
		}
		return UNKNOWN;
	}

	/**
	 * Unwraps a data source, or returns {@code null} when it does not wrap the type.
	 * @param <T> the type
	 * @param dataSource the data source
	 * @param type the type
	 * @return the unwrapped data source or {@code null}
	 */
	static <T> @Nullable T unwrap(DataSource dataSource, Class<T> type) {
		if (type.isInstance(dataSource)) {
			return type.cast(dataSource);
		}
		try {
			return dataSource.isWrapperFor(type) ? dataSource.unwrap(type) : null;
		}
		catch (SQLException | RuntimeException ex) {
			return null;
		}
	}

}
