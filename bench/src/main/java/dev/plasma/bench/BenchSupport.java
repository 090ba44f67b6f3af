package dev.plasma.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * What every benchmark command shares: running it (usage errors, the watchdog that stops a run over its
 * time budget, exit statuses), parsing {@code --name value} options and whole numbers, and fresh
 * PostgreSQL databases with pools on them.
 */
public final class BenchSupport {

	private static final String POSTGRESQL_SERVER = "jdbc:postgresql://127.0.0.1:5432/";

	private BenchSupport() {
	}

	/**
	 * Runs a benchmark command: parses its options (a usage error prints the message and the usage), arms
	 * the watchdog, quiets Liquibase and measures.
	 * @param <T> the benchmark
	 * @param args the options after the command
	 * @param parse makes the benchmark from its options; throws {@link IllegalArgumentException} on a
	 * usage error
	 * @param usage printed after a usage error
	 * @param budgetSeconds the most the benchmark may take
	 * @param measurement runs it and tells whether every target was met
	 * @return the exit status: 0 every target met, 1 one missed, 2 a usage error or a failed run (the
	 * watchdog halts the JVM with 3)
	 */
	public static <T> int run(String[] args, Function<String[], T> parse, String usage, ToLongFunction<T> budgetSeconds,
			Measurement<T> measurement) {
		T benchmark;
		try {
			benchmark = parse.apply(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("plasma-bench: " + ex.getMessage());
			System.err.print(usage);
			return 2;
		}
		Logger.getLogger("liquibase").setLevel(Level.WARNING);
		startWatchdog(budgetSeconds.applyAsLong(benchmark));
		try {
			return measurement.measure(benchmark) ? 0 : 1;
		}
		catch (Exception ex) {
			System.err.println("plasma-bench: run failed: " + ex);
			ex.printStackTrace(System.err);
			return 2;
		}
	}

	/**
	 * Reads {@code --name value} pairs.
	 * @param args the options
	 * @return the values by option name, in the order given (a repeated option keeps its last value)
	 * @throws IllegalArgumentException when an option has no value
	 */
	public static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i += 2) {
			if (i + 1 == args.length) {
				throw new IllegalArgumentException("option " + args[i] + " needs a value");
			}
			options.put(args[i], args[i + 1]);
		}
		return options;
	}

	/**
	 * Runs a parsed benchmark.
	 * @param <T> the benchmark
	 */
	@FunctionalInterface
	public interface Measurement<T> {

		/**
		 * Measures.
		 * @param benchmark the benchmark
		 * @return whether every target was met
		 * @throws Exception when the run failed
		 */
		boolean measure(T benchmark) throws Exception;

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
		return freshPostgresDatabase(POSTGRESQL_SERVER, "postgres", name);
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

	/**
	 * Creates a database on a PostgreSQL server if it is missing and resets its {@code public} schema.
	 * @param server the server's JDBC URL ending in {@code /}
	 * @param user the user (no password)
	 * @param database the database name, a plain identifier
	 * @return the database's JDBC URL
	 * @throws SQLException on failure
	 */
	public static String freshPostgresDatabase(String server, String user, String database) throws SQLException {
		try (Connection connection = DriverManager.getConnection(server + "postgres", user, "");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
			if (!rs.next()) {
				statement.execute("CREATE DATABASE " + database);
			}
		}
		String url = server + database;
		try (Connection connection = DriverManager.getConnection(url, user, "");
				Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
			statement.execute("CREATE SCHEMA public");
		}
		return url;
	}

	/**
	 * Creates a fixed-size HikariCP pool.
	 * @param name the pool's name
	 * @param url the JDBC URL
	 * @param user the user (no password)
	 * @param size the pool's size
	 * @return the pool
	 */
	public static HikariDataSource pool(String name, String url, String user, int size) {
		HikariConfig config = new HikariConfig();
		config.setPoolName(name);
		config.setJdbcUrl(url);
		config.setUsername(user);
		config.setPassword("");
		config.setMaximumPoolSize(size);
		config.setMinimumIdle(size);
		config.setConnectionTimeout(10_000);
		return new HikariDataSource(config);
	}

}
