package dev.plasma.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * What every benchmark command shares: parsing options, running a command with the watchdog that stops a
 * run over its time budget, and fresh PostgreSQL databases with pools on them.
 */
public final class BenchSupport {

	private BenchSupport() {
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
	 * Runs a benchmark command: parses its options (a usage error prints the usage and returns 2), quiets
	 * Liquibase, starts the watchdog and measures.
	 * @param <T> the benchmark
	 * @param args the options after the command
	 * @param usage the command's usage text
	 * @param parse parses the options, throwing {@link IllegalArgumentException} naming a bad one
	 * @param budgetSeconds the run's time budget
	 * @param measure runs it, returning whether every target was met
	 * @return the exit status: 0 when every target was met, 1 when one was missed, 2 on a usage error or a
	 * failed run
	 */
	public static <T> int runCommand(String[] args, String usage, Function<String[], T> parse,
			ToLongFunction<T> budgetSeconds, Measure<T> measure) {
		T benchmark;
		try {
			benchmark = parse.apply(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("plasma-bench: " + ex.getMessage());
			System.err.print(usage);
			return 2;
		}
		java.util.logging.Logger.getLogger("liquibase").setLevel(java.util.logging.Level.WARNING);
		startWatchdog(budgetSeconds.applyAsLong(benchmark));
		try {
			return measure.run(benchmark) ? 0 : 1;
		}
		catch (Exception ex) {
			System.err.println("plasma-bench: run failed: " + ex);
			ex.printStackTrace(System.err);
			return 2;
		}
	}

	/**
	 * Splits {@code --name value} options into a map, in order.
	 * @param args the options
	 * @return the value of each option
	 * @throws IllegalArgumentException when an option has no value
	 */
	public static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		List<String> rest = new ArrayList<>(Arrays.asList(args));
		while (!rest.isEmpty()) {
			String name = rest.remove(0);
			if (rest.isEmpty()) {
				throw new IllegalArgumentException("option " + name + " needs a value");
			}
			options.put(name, rest.remove(0));
		}
		return options;
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

	/**
	 * Runs a parsed benchmark.
	 * @param <T> the benchmark
	 */
	@FunctionalInterface
	public interface Measure<T> {

		/**
		 * Runs the benchmark.
		 * @param benchmark the benchmark
		 * @return whether every target was met
		 * @throws Exception when the run failed
		 */
		boolean run(T benchmark) throws Exception;

	}

}
