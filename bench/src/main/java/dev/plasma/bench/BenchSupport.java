package dev.plasma.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What every benchmark command shares: parsing whole-number options, the watchdog that stops a run
 * over its time budget, and an empty database on the local PostgreSQL server.
 */
public final class BenchSupport {

	private static final String POSTGRESQL_SERVER = "jdbc:postgresql://127.0.0.1:5432/";

	private BenchSupport() {
	}

	/**
	 * Creates a database on the local PostgreSQL server (user {@code postgres}, trust authentication) if
	 * it is missing, and empties its {@code public} schema.
	 * @param name the database, a plain lower-case identifier
	 * @return its JDBC URL
	 * @throws SQLException when the server is not reachable
	 */
	public static String freshPostgresDatabase(String name) throws SQLException {
		if (!name.matches("[a-z_][a-z0-9_]*")) {
			throw new IllegalArgumentException("a database name must be a plain lower-case identifier, not '" + name + "'");
		}
		try (Connection connection = DriverManager.getConnection(POSTGRESQL_SERVER + "postgres", "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
			if (!rs.next()) {
				statement.execute("CREATE DATABASE " + name);
			}
		}
		String url = POSTGRESQL_SERVER + name;
		try (Connection connection = DriverManager.getConnection(url, "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
			statement.execute("CREATE SCHEMA public");
		}
		return url;
	}

	/**
	 * Parses an option's value as a whole number from {@code min} to {@code max}.
	 * @param name the option, for the message
	 * @param value its value
	 * @param min the smallest value accepted
	 * @param max the largest value accepted
	 * @return the number
	 * @throws IllegalArgumentException naming the option when the value is not such a number
	 */
	public static int wholeNumber(String name, String value, int min, int max) {
		try {
			int parsed = Integer.parseInt(value);
			if (parsed >= min && parsed <= max) {
				return parsed;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(
				name + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
	}

	/**
	 * Starts a daemon thread that halts the JVM with status 3 once {@code seconds} have passed, so that
	 * a benchmark never runs unbounded.
	 * @param seconds the time budget
	 */
	public static void startWatchdog(long seconds) {
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(seconds * 1000);
				System.err.println("plasma-bench: stopped after exceeding the time budget of " + seconds + " s");
				Runtime.getRuntime().halt(3);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "bench-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

}
