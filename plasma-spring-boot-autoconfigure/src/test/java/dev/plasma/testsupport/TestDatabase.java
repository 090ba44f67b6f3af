package dev.plasma.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The databases the suites run on. Each {@link #create()} hands out an empty database: a fresh H2
 * in-memory database, or the {@code plasma_it} database of the local PostgreSQL or MariaDB server,
 * wiped first. A server that is not reachable fails the test loudly.
 * <p>
 * The system property {@value #DATABASE_NAME_PROPERTY} names another database than {@code plasma_it}, so
 * that two test runs on one server do not wipe each other's tables.
 */
public enum TestDatabase {

	H2("h2") {
		@Override
		String prepare() {
			return "jdbc:h2:mem:plasma_it_" + H2_COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
		}

		@Override
		public String user() {
			return "sa";
		}

		@Override
		public String booleanType() {
			return "BOOLEAN";
		}

		@Override
		public String doubleType() {
			return "DOUBLE PRECISION";
		}

		@Override
		public String binaryType() {
			return "VARBINARY(100)";
		}

		@Override
		public String timestampType() {
			return "TIMESTAMP(6)";
		}
	},

	POSTGRESQL("postgresql") {
		@Override
		String prepare() throws SQLException {
			String server = System.getProperty("plasma.test.postgresql.url", "jdbc:postgresql://127.0.0.1:5432/");
			try (Connection connection = DriverManager.getConnection(server + "postgres", user(), "");
					Statement statement = connection.createStatement()) {
				var rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + databaseName() + "'");
				if (!rs.next()) {
					statement.execute("CREATE DATABASE " + databaseName());
				}
			}
			String url = server + databaseName();
			try (Connection connection = DriverManager.getConnection(url, user(), "");
					Statement statement = connection.createStatement()) {
				statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
				statement.execute("CREATE SCHEMA public");
			}
			return url;
		}

		@Override
		public String user() {
			return "postgres";
		}

		@Override
		public String booleanType() {
			return "BOOLEAN";
		}

		@Override
		public String doubleType() {
			return "DOUBLE PRECISION";
		}

		@Override
		public String binaryType() {
			return "BYTEA";
		}

		@Override
		public String timestampType() {
			return "TIMESTAMP(6)";
		}
	},

	MARIADB("mariadb") {
		@Override
		String prepare() throws SQLException {
			String server = System.getProperty("plasma.test.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/");
			try (Connection connection = DriverManager.getConnection(server, user(), "");
					Statement statement = connection.createStatement()) {
				statement.execute("DROP DATABASE IF EXISTS " + databaseName());
				statement.execute("CREATE DATABASE " + databaseName() + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
			}
			return server + databaseName();
		}

		@Override
		public String user() {
			return "root";
		}

		@Override
		public String booleanType() {
			return "BOOLEAN";
		}

		@Override
		public String doubleType() {
			return "DOUBLE";
		}

		@Override
		public String binaryType() {
			return "VARBINARY(100)";
		}

		@Override
		public String timestampType() {
			return "DATETIME(6)";
		}
	};

	/** Name of the system property naming the PostgreSQL and MariaDB test database. */
	public static final String DATABASE_NAME_PROPERTY = "plasma.test.database-name";

	private static final AtomicInteger H2_COUNTER = new AtomicInteger();

	private final String id;

	TestDatabase(String id) {
		this.id = id;
	}

	/**
	 * Returns the name used in {@code plasma.test.databases}.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	abstract String prepare() throws SQLException;

	/**
	 * Returns the name of the PostgreSQL and MariaDB test database: {@code plasma_it} unless the system
	 * property {@value #DATABASE_NAME_PROPERTY} names another (letters, digits and underscores only).
	 * @return the database name
	 */
	static String databaseName() {
		String name = System.getProperty(DATABASE_NAME_PROPERTY, "");
		if (name.isBlank() || name.startsWith("${")) {
			return "plasma_it";
		}
		if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
			throw new IllegalArgumentException("-D" + DATABASE_NAME_PROPERTY + " must be a plain identifier, not '" + name + "'");
		}
		return name;
	}

	public abstract String user();

	public abstract String booleanType();

	public abstract String doubleType();

	public abstract String binaryType();

	public abstract String timestampType();

	/**
	 * Empties the database and returns its JDBC URL.
	 * @return the URL
	 */
	public String freshUrl() {
		try {
			return prepare();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Test database " + this.id + " is not reachable (" + ex.getMessage()
					+ "). Start it, or choose databases explicitly with -Dplasma.test.databases=h2,...", ex);
		}
	}

	/**
	 * Creates a pooled data source on an empty database.
	 * @param poolSize the maximum pool size
	 * @return the data source; close it when done
	 */
	public HikariDataSource create(int poolSize) {
		return dataSource(freshUrl(), poolSize);
	}

	/**
	 * Creates a pooled data source on a database prepared earlier.
	 * @param url the URL from {@link #freshUrl()}
	 * @param poolSize the maximum pool size
	 * @return the data source
	 */
	public HikariDataSource dataSource(String url, int poolSize) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(user());
		config.setPassword("");
		config.setMaximumPoolSize(poolSize);
		config.setPoolName("plasma-it-" + this.id);
		return new HikariDataSource(config);
	}

	/**
	 * Opens a plain JDBC connection, outside any pool.
	 * @param dataSource the pool whose URL to use
	 * @return the connection
	 * @throws SQLException on failure
	 */
	public Connection rawConnection(DataSource dataSource) throws SQLException {
		return DriverManager.getConnection(((HikariDataSource) dataSource).getJdbcUrl(), user(), "");
	}

}
