package dev.plasma.bench.regions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.bench.BenchSupport;
import dev.plasma.capture.CaptureInstaller;
import dev.plasma.capture.MutationOrigin;
import dev.plasma.changelog.PendingScope;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PlasmaDialects;
import dev.plasma.schema.PlasmaSchemaInitializer;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.sequencer.Sequencer;

/**
 * Sequencing throughput with one region against two regions on the same database (issue 13):
 * {@code java -jar plasma-bench.jar regions [--db postgresql|mariadb] [--entries 40000] [--rounds 3]}.
 * <p>
 * Each round captures {@code --entries} pending entries with the sequencers idle (one statement per region
 * updating that region's half of a table, inside a mutation scope of the region), then times how long the
 * sequencers take to sequence all of them: one region's sequencer alone (all entries in region {@code 0}),
 * and the sequencers of regions {@code 0} and {@code 1} running at the same time on two threads (half the
 * entries each, on disjoint rows, so no entry waits for the other region). Reported: entries per second of
 * each and the ratio two/one, the median over the rounds. Both regions share one database server, whose
 * CPU and commit path bound the ratio; the run prints how many cores the machine has. Exit status 0 after a
 * complete run (there is no target), 2 on a usage error or a failed run, 3 when it overran its budget. The
 * database {@code plasma_bench_regions} (or {@code --db-name}) is created if missing and emptied.
 */
public final class RegionsBenchmark {

	/** The command that selects this benchmark. */
	public static final String COMMAND = "regions";

	private static final String USAGE = """
			usage: plasma-bench regions [--db postgresql|mariadb] [--db-name plasma_bench_regions] [--entries 40000]
			         [--rounds 3]
			""";

	private final String db;

	private final String databaseName;

	private final int entries;

	private final int rounds;

	private RegionsBenchmark(String db, String databaseName, int entries, int rounds) {
		this.db = db;
		this.databaseName = databaseName;
		this.entries = entries;
		this.rounds = rounds;
	}

	/**
	 * Runs the benchmark from command-line arguments.
	 * @param args the arguments after the command
	 * @return the exit status
	 */
	public static int run(String[] args) {
		RegionsBenchmark benchmark;
		try {
			benchmark = parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("plasma-bench regions: " + ex.getMessage());
			System.err.print(USAGE);
			return 2;
		}
		Logger.getLogger("liquibase").setLevel(Level.WARNING);
		BenchSupport.startWatchdog(60 + benchmark.rounds * (benchmark.entries / 500L));
		try {
			benchmark.measure();
			return 0;
		}
		catch (Exception ex) {
			System.err.println("plasma-bench regions: run failed: " + ex);
			ex.printStackTrace(System.err);
			return 2;
		}
	}

	private static RegionsBenchmark parse(String[] args) {
		String db = "postgresql";
		String name = "plasma_bench_regions";
		int entries = 40_000;
		int rounds = 3;
		for (int i = 0; i < args.length; i += 2) {
			if (i + 1 >= args.length) {
				throw new IllegalArgumentException("option " + args[i] + " needs a value");
			}
			String value = args[i + 1];
			switch (args[i]) {
				case "--db" -> {
					if (!value.equals("postgresql") && !value.equals("mariadb")) {
						throw new IllegalArgumentException("--db must be postgresql or mariadb");
					}
					db = value;
				}
				case "--db-name" -> {
					if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
						throw new IllegalArgumentException("--db-name must be a lower-case SQL identifier");
					}
					name = value;
				}
				case "--entries" -> entries = BenchSupport.wholeNumber("--entries", value, 1000, 10_000_000);
				case "--rounds" -> rounds = BenchSupport.wholeNumber("--rounds", value, 1, 100);
				default -> throw new IllegalArgumentException("unknown option " + args[i]);
			}
		}
		return new RegionsBenchmark(db, name, entries, rounds);
	}

	private void measure() throws Exception {
		String url = prepare();
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(this.db.equals("postgresql") ? "postgres" : "root");
		config.setMaximumPoolSize(8);
		try (HikariDataSource dataSource = new HikariDataSource(config)) {
			new PlasmaSchemaInitializer(dataSource).initialize();
			PlasmaDialect dialect = PlasmaDialects.detect(dataSource);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			jdbc.execute("CREATE TABLE bench_items (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)");
			insertRows(jdbc);
			new CaptureInstaller(dataSource, dialect, List.of(new TableDeclaration("bench_items", false))).install();
			Sequencer region0 = new Sequencer(dataSource, dialect, 1000, List.of(), new PendingScope("0", "0"));
			Sequencer region1 = new Sequencer(dataSource, dialect, 1000, List.of(), new PendingScope("1", "0"));
			region1.registerRegion();
			region0.flush();
			TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			MutationOrigin origin0 = new MutationOrigin(dataSource, dialect, transactions, "0");
			MutationOrigin origin1 = new MutationOrigin(dataSource, dialect, transactions, "1");
			System.out.printf(Locale.ROOT, "plasma-bench regions: %s, %d entries per measurement, %d rounds, %d cores%n",
					dialect.displayName(), this.entries, this.rounds, Runtime.getRuntime().availableProcessors());
			List<Double> one = new ArrayList<>();
			List<Double> two = new ArrayList<>();
			long mutation = 0;
			for (int round = 1; round <= this.rounds; round++) {
				long id = ++mutation;
				origin0.runAs("bench", "c0", id, () -> jdbc.update("UPDATE bench_items SET v = v + 1"));
				double single = drain(List.of(region0));
				long id0 = ++mutation;
				long id1 = ++mutation;
				origin0.runAs("bench", "c0", id0, () -> jdbc.update("UPDATE bench_items SET v = v + 1 WHERE MOD(id, 2) = 0"));
				origin1.runAs("bench", "c1", id1, () -> jdbc.update("UPDATE bench_items SET v = v + 1 WHERE MOD(id, 2) = 1"));
				double both = drain(List.of(region0, region1));
				one.add(single);
				two.add(both);
				System.out.printf(Locale.ROOT, "round %d: one region %.0f entries/s, two regions %.0f entries/s (%.2fx)%n",
						round, single, both, both / single);
			}
			double medianOne = median(one);
			double medianTwo = median(two);
			System.out.printf(Locale.ROOT,
					"median: one region %.0f entries/s, two regions %.0f entries/s, ratio %.2fx (one database server)%n",
					medianOne, medianTwo, medianTwo / medianOne);
		}
	}

	/**
	 * Sequences everything pending with one thread per sequencer and returns entries per second.
	 */
	private double drain(List<Sequencer> sequencers) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(sequencers.size());
		try {
			long started = System.nanoTime();
			List<Future<Long>> sequenced = new ArrayList<>();
			for (Sequencer sequencer : sequencers) {
				sequenced.add(pool.submit(() -> {
					long before = sequencer.head();
					return sequencer.flush() - before;
				}));
			}
			long total = 0;
			for (Future<Long> future : sequenced) {
				total += future.get();
			}
			double seconds = (System.nanoTime() - started) / 1e9;
			if (total != this.entries) {
				throw new IllegalStateException("sequenced " + total + " entries, expected " + this.entries);
			}
			return total / seconds;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private void insertRows(JdbcTemplate jdbc) {
		int chunk = 1000;
		for (int start = 0; start < this.entries; start += chunk) {
			StringBuilder sql = new StringBuilder("INSERT INTO bench_items (id, v) VALUES ");
			for (int i = start; i < Math.min(this.entries, start + chunk); i++) {
				sql.append((i > start) ? "," : "").append('(').append(i).append(",0)");
			}
			jdbc.update(sql.toString());
		}
	}

	private String prepare() throws SQLException {
		if (this.db.equals("postgresql")) {
			String server = "jdbc:postgresql://127.0.0.1:5432/";
			try (Connection connection = DriverManager.getConnection(server + "postgres", "postgres", "");
					Statement statement = connection.createStatement();
					ResultSet rs = statement
						.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + this.databaseName + "'")) {
				if (!rs.next()) {
					statement.execute("CREATE DATABASE " + this.databaseName);
				}
			}
			try (Connection connection = DriverManager.getConnection(server + this.databaseName, "postgres", "");
					Statement statement = connection.createStatement()) {
				statement.execute("DROP SCHEMA public CASCADE");
				statement.execute("CREATE SCHEMA public");
			}
			return server + this.databaseName;
		}
		String server = "jdbc:mariadb://127.0.0.1:3306/";
		try (Connection connection = DriverManager.getConnection(server, "root", "");
				Statement statement = connection.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + this.databaseName);
			statement.execute("CREATE DATABASE " + this.databaseName + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
		}
		return server + this.databaseName;
	}

	private static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		return (sorted.length % 2 == 1) ? sorted[sorted.length / 2]
				: (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
	}

}
