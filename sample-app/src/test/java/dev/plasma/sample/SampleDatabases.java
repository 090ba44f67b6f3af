package dev.plasma.sample;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Empty databases on the local PostgreSQL and MariaDB servers for the sample app's per-database tests,
 * named after the system property {@code plasma.test.database-name} (default {@code plasma_it}) plus
 * {@code _sample}, so that parallel runs with different names do not wipe each other's tables.
 */
final class SampleDatabases {

	private SampleDatabases() {
	}

	static String name() {
		return System.getProperty("plasma.test.database-name", "plasma_it") + "_sample";
	}

	/**
	 * Returns the database of one test class, {@link #name()} plus {@code _suffix}, so that the cached
	 * contexts of two classes never share (and wipe) one database.
	 */
	static String name(String suffix) {
		return name() + "_" + suffix;
	}

	static boolean selected(String database) {
		return List.of(System.getProperty("plasma.test.databases", "h2,postgresql,postgresql-replica,mariadb").split(","))
			.contains(database);
	}

	static void postgresql(DynamicPropertyRegistry registry) throws Exception {
		postgresql(registry, name());
	}

	/**
	 * Empties (creating it first if needed) the PostgreSQL database {@code database} and points the app at it.
	 */
	static void postgresql(DynamicPropertyRegistry registry, String database) throws Exception {
		String server = "jdbc:postgresql://127.0.0.1:5432/";
		try (Connection connection = DriverManager.getConnection(server + "postgres", "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
			if (!rs.next()) {
				statement.execute("CREATE DATABASE " + database);
			}
		}
		try (Connection connection = DriverManager.getConnection(server + database, "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
			statement.execute("CREATE SCHEMA public");
		}
		registry.add("spring.datasource.url", () -> server + database);
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "");
	}

	static void mariadb(DynamicPropertyRegistry registry) throws Exception {
		mariadb(registry, name());
	}

	static void mariadb(DynamicPropertyRegistry registry, String name) throws Exception {
		String server = "jdbc:mariadb://127.0.0.1:3306/";
		try (Connection connection = DriverManager.getConnection(server, "root", "");
				Statement statement = connection.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + name);
			statement.execute("CREATE DATABASE " + name);
		}
		registry.add("spring.datasource.url", () -> server + name);
		registry.add("spring.datasource.username", () -> "root");
		registry.add("spring.datasource.password", () -> "");
	}

}
