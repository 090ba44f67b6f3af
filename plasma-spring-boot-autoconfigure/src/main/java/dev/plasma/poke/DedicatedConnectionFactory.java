package dev.plasma.poke;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;

/**
 * Opens the one long-lived connection an instance keeps outside its pool (PostgreSQL's {@code LISTEN}).
 * Replace the bean to open it otherwise.
 */
@FunctionalInterface
public interface DedicatedConnectionFactory {

	/**
	 * Opens a new connection; the caller closes it.
	 * @return the connection
	 * @throws SQLException when the database cannot be reached
	 */
	Connection open() throws SQLException;

	/**
	 * Returns a factory that opens connections with the pool's own URL and credentials through
	 * {@link DriverManager} (read from the data source's {@code jdbcUrl}/{@code url}, {@code username} and
	 * {@code password} properties, as HikariCP, Tomcat's and Spring's data sources have them), so the
	 * listening connection never takes a pool slot. A data source without such properties falls back to
	 * borrowing one of its connections for good, announced by a WARN line.
	 * @param dataSource the application's data source
	 * @return the factory
	 */
	static DedicatedConnectionFactory of(DataSource dataSource) {
		BeanWrapper properties = PropertyAccessorFactory.forBeanPropertyAccess(dataSource);
		String url = text(properties, "jdbcUrl");
		if (url == null) {
			url = text(properties, "url");
		}
		if (url == null) {
			LogFactory.getLog(DedicatedConnectionFactory.class)
				.warn("Plasma: the data source " + dataSource.getClass().getName() + " has no readable JDBC URL; the "
						+ "poke listener keeps one of its pooled connections (size the pool for it, or declare a "
						+ "DedicatedConnectionFactory bean)");
			return dataSource::getConnection;
		}
		String jdbcUrl = url;
		String user = text(properties, "username");
		String password = text(properties, "password");
		return () -> DriverManager.getConnection(jdbcUrl, user, password);
	}

	private static @Nullable String text(BeanWrapper properties, String name) {
		if (!properties.isReadableProperty(name)) {
			return null;
		}
		try {
			Object value = properties.getPropertyValue(name);
			return (value != null) ? value.toString() : null;
		}
		catch (RuntimeException ex) {
			Log logger = LogFactory.getLog(DedicatedConnectionFactory.class);
			logger.debug("Plasma: cannot read data source property " + name, ex);
			return null;
		}
	}

}
