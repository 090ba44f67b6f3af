package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.plasma.schema.PlasmaConfigurationException;

/**
 * Detects the {@link PlasmaDialect} of a data source once, from its {@link java.sql.DatabaseMetaData}.
 */
public final class PlasmaDialects {

	private static final Log logger = LogFactory.getLog(PlasmaDialects.class);

	private PlasmaDialects() {
	}

	/**
	 * Detects the dialect of a data source.
	 * @param dataSource the data source
	 * @return the dialect
	 * @throws PlasmaConfigurationException when the database is not supported
	 */
	public static PlasmaDialect detect(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			String product = connection.getMetaData().getDatabaseProductName();
			String normalized = product.toLowerCase(Locale.ROOT);
			PlasmaDialect dialect;
			if (normalized.contains("postgresql")) {
				String schema = connection.getSchema();
				dialect = new PostgresDialect((schema != null) ? schema : "public");
			}
			else if (normalized.contains("mariadb") || normalized.contains("mysql")) {
				dialect = new MariaDbDialect();
			}
			else if (normalized.equals("h2")) {
				dialect = new H2Dialect();
			}
			else {
				throw new PlasmaConfigurationException("Plasma: database '" + product
						+ "' is not supported; supported are PostgreSQL, MariaDB and H2.");
			}
			logger.info("Plasma: using " + dialect.displayName() + " dialect");
			return dialect;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Plasma: could not read the database metadata to choose a dialect", ex);
		}
	}

}
