package dev.plasma.bench.poke;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.plasma.bench.BenchDatabase;
import dev.plasma.bench.BenchSupport;

/**
 * {@code java -jar plasma-bench.jar pokes [--db postgresql|mariadb] [--connections 2000] [--users 200]
 * [--writes 100]}: two application instances in this JVM (embedded Tomcat on ports 18320 and 18321, one
 * database), N Server-Sent Events streams spread over both and over the users, then
 * <ol>
 * <li>writes to one user's private notes, by raw SQL and by pushes on instance A, one at a time: the delay
 * from commit to the poke on each of that user's streams, per instance (for a push: from its answer, which
 * comes after the commit, so a poke arriving before the answer counts 0), and how many other streams
 * were poked (must be none);</li>
 * <li>the heap per idle stream (server and client share this JVM, so it is an upper bound of the server's);</li>
 * <li>a burst of 1,000 raw writes (10 connections) to a table without read rules within one second:
 * pokes per stream.</li>
 * </ol>
 * Targets: p99 delay at most 100 ms with PostgreSQL (300 ms with polling on MariaDB), burst at most 20
 * pokes per stream, no poke to another user.
 */
public final class PokeBenchmark {

	/** The command name. */
	public static final String COMMAND = "pokes";

	private static final int PORT_A = 18320;

	private static final int PORT_B = 18321;

	private static final String USAGE = """
			usage: java -jar plasma-bench.jar pokes [--db postgresql|mariadb] [--connections N] [--users N] [--writes N]
			""";

	private final BenchDatabase database;

	private final int connections;

	private final int users;

	private final int writes;

	private PokeBenchmark(BenchDatabase database, int connections, int users, int writes) {
		this.database = database;
		this.connections = connections;
		this.users = users;
		this.writes = writes;
	}

	/**
	 * Runs the command.
	 * @param args the options after the command name
	 * @return 0 when every target was met, 1 when one was missed, 2 on a usage error or a failed run
	 */
	public static int run(String[] args) {
		String db = "postgresql";
		int connections = 2000;
		int users = 200;
		int writes = 100;
		try {
			for (int i = 0; i < args.length; i += 2) {
				String value = (i + 1 < args.length) ? args[i + 1] : "";
				switch (args[i]) {
					case "--db" -> db = value;
					case "--connections" -> connections = BenchSupport.wholeNumber("--connections", value, 1, 20000);
					case "--users" -> users = BenchSupport.wholeNumber("--users", value, 1, 20000);
					case "--writes" -> writes = BenchSupport.wholeNumber("--writes", value, 1, 10000);
					default -> throw new IllegalArgumentException("unknown option " + args[i]);
				}
			}
			if (!db.equals("postgresql") && !db.equals("mariadb")) {
				throw new IllegalArgumentException("--db must be postgresql or mariadb");
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println("plasma-bench: " + ex.getMessage());
			System.err.print(USAGE);
			return 2;
		}
		BenchSupport.startWatchdog(240 + writes / 5 + connections / 50);
		try {
			return new PokeBenchmark(BenchDatabase.of(db), connections, users, writes).run() ? 0 : 1;
		}
		catch (Exception ex) {
			System.err.println("plasma-bench: pokes failed: " + ex);
			ex.printStackTrace(System.err);
			return 2;
		}
	}

	private boolean run() throws Exception {
		String url = this.database.prepare();
		try (Connection connection = DriverManager.getConnection(url, this.database.user(), "");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE notes (id VARCHAR(40) PRIMARY KEY, owner VARCHAR(64) NOT NULL, text VARCHAR(100))");
			statement.execute("CREATE INDEX notes_owner ON notes (owner)");
			statement.execute("CREATE TABLE board (id VARCHAR(40) PRIMARY KEY, text VARCHAR(100))");
		}
		List<ConfigurableApplicationContext> instances = new ArrayList<>();
		SseStreams client = new SseStreams();
		try {
			instances.add(start(PORT_A, url, true));
			instances.add(start(PORT_B, url, false));
			print("benchmark", "pokes (issue 12): 2 instances in one JVM on " + this.database.name().toLowerCase(Locale.ROOT)
					+ ", " + this.connections + " SSE streams over " + this.users + " users");
			print("machine", Runtime.getRuntime().availableProcessors() + " cpus, Java " + System.getProperty("java.version")
					+ "; load generator, both instances and the database share them");
			long heapBefore = usedHeap();
			List<SseStreams.Stream> streams = client.open(List.of(PORT_A, PORT_B), this.connections, this.users);
			Thread.sleep(1000);
			long heapAfter = usedHeap();
			print("heap per idle stream", String.format(Locale.ROOT, "%.1f KB (server and client in one JVM: an upper bound)",
					(heapAfter - heapBefore) / 1024.0 / this.connections));
			try (Connection connection = DriverManager.getConnection(url, this.database.user(), "")) {
				Delays raw = delays(streams, connection, false);
				Delays push = delays(streams, connection, true);
				int burst = burst(streams, url);
				double target = this.database.name().equals("POSTGRESQL") ? 100 : 300;
				boolean ok = report("raw SQL", raw, target) & report("push on A", push, target);
				ok &= burst <= 20;
				print("burst target", "at most 20 pokes per stream: " + ((burst <= 20) ? "met" : "missed"));
				print("result", ok ? "every target met" : "a target was missed");
				return ok;
			}
		}
		finally {
			client.close();
			for (ConfigurableApplicationContext instance : instances) {
				instance.close();
			}
		}
	}

	private ConfigurableApplicationContext start(int port, String url, boolean sequencer) {
		return new SpringApplicationBuilder(PokeBenchApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.port=" + port, "spring.datasource.url=" + url,
					"spring.datasource.username=" + this.database.user(), "spring.datasource.password=",
					"spring.main.banner-mode=off", "logging.level.root=WARN", "plasma.tables.notes.read.user-column=owner",
					"plasma.tables.board=", "plasma.sequencer.enabled=" + sequencer, "server.tomcat.threads.max=50",
					"plasma.poke.max-connections=20000")
			.run();
	}

	private Delays delays(List<SseStreams.Stream> streams, Connection connection, boolean push) throws Exception {
		Delays delays = new Delays();
		HttpClient http = HttpClient.newHttpClient();
		for (int i = 0; i < this.writes; i++) {
			String user = "user" + ThreadLocalRandom.current().nextInt(this.users);
			int[] before = streams.stream().mapToInt((stream) -> stream.pokes.get()).toArray();
			String id = (push ? "p" : "r") + i;
			long committed;
			if (push) {
				HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT_A + "/plasma/push"))
					.header("X-User", user)
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"pushVersion\":1,\"clientGroupID\":\"g-" + user
							+ "\",\"profileID\":\"p\",\"schemaVersion\":\"1\",\"mutations\":[{\"clientID\":\"c-" + user
							+ "\",\"id\":" + nextMutation(user) + ",\"name\":\"addNote\",\"args\":{\"id\":\"" + id
							+ "\",\"owner\":\"" + user + "\"},\"timestamp\":1}]}"))
					.build();
				HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() != 200) {
					throw new IllegalStateException("push answered " + response.statusCode() + ": " + response.body());
				}
				committed = System.currentTimeMillis();
			}
			else {
				try (PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO notes (id, owner, text) VALUES (?, ?, 'raw')")) {
					insert.setString(1, id);
					insert.setString(2, user);
					insert.executeUpdate();
				}
				committed = System.currentTimeMillis();
			}
			long deadline = System.currentTimeMillis() + 5000;
			List<SseStreams.Stream> owners = streams.stream().filter((stream) -> stream.user.equals(user)).toList();
			for (SseStreams.Stream owner : owners) {
				int index = streams.indexOf(owner);
				while (owner.pokes.get() == before[index] && System.currentTimeMillis() < deadline) {
					Thread.sleep(1);
				}
				if (owner.pokes.get() == before[index]) {
					delays.missed++;
				}
				else {
					delays.add(owner.instance, owner.lastPokeAt.get() - committed);
				}
			}
			Thread.sleep(60);
			for (int s = 0; s < streams.size(); s++) {
				if (!streams.get(s).user.equals(user) && streams.get(s).pokes.get() != before[s]) {
					delays.foreign++;
				}
			}
		}
		return delays;
	}

	private final java.util.Map<String, Integer> mutations = new java.util.HashMap<>();

	private int nextMutation(String user) {
		return this.mutations.merge(user, 1, Integer::sum);
	}

	private int burst(List<SseStreams.Stream> streams, String url) throws Exception {
		Thread.sleep(200);
		int[] before = streams.stream().mapToInt((stream) -> stream.pokes.get()).toArray();
		int writers = 10;
		long start = System.nanoTime();
		List<Thread> threads = new ArrayList<>();
		List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
		for (int w = 0; w < writers; w++) {
			int writer = w;
			Thread thread = new Thread(() -> {
				try (Connection connection = DriverManager.getConnection(url, this.database.user(), "");
						PreparedStatement insert = connection.prepareStatement("INSERT INTO board (id, text) VALUES (?, 'burst')")) {
					for (int i = 0; i < 1000 / writers; i++) {
						insert.setString(1, "b" + writer + "-" + i);
						insert.executeUpdate();
						long wait = start + (i + 1) * 1_000_000_000L / (1000 / writers) - System.nanoTime();
						if (wait > 0) {
							Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
						}
					}
				}
				catch (Exception ex) {
					failures.add(ex);
				}
			}, "bench-burst-" + w);
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		if (!failures.isEmpty()) {
			throw failures.get(0);
		}
		long burstMillis = (System.nanoTime() - start) / 1_000_000;
		Thread.sleep(1500);
		int most = 0;
		long total = 0;
		int none = 0;
		for (int s = 0; s < streams.size(); s++) {
			int pokes = streams.get(s).pokes.get() - before[s];
			most = Math.max(most, pokes);
			total += pokes;
			if (pokes == 0) {
				none++;
			}
		}
		print("burst", String.format(Locale.ROOT, "1,000 raw writes by %d connections took %d ms; pokes per stream: mean %.1f,"
				+ " max %d; streams not poked: %d", writers, burstMillis, total / (double) streams.size(), most, none));
		return (none > 0) ? Integer.MAX_VALUE : most;
	}

	private boolean report(String writer, Delays delays, double targetMillis) {
		boolean ok = delays.missed == 0 && delays.foreign == 0;
		for (int instance = 0; instance < 2; instance++) {
			long[] values = delays.of(instance);
			double p50 = percentile(values, 50);
			double p99 = percentile(values, 99);
			ok &= p99 <= targetMillis;
			print(writer + " -> " + ((instance == 0) ? "A" : "B"), String.format(Locale.ROOT,
					"poke delay commit->event p50 %.0f ms, p99 %.0f ms, max %.0f ms over %d pokes (target p99 <= %.0f ms)",
					p50, p99, percentile(values, 100), values.length, targetMillis));
		}
		print(writer, "streams of other users poked: " + delays.foreign + " (must be 0); owner streams never poked: "
				+ delays.missed);
		return ok;
	}

	private static double percentile(long[] values, int percentile) {
		if (values.length == 0) {
			return Double.NaN;
		}
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static long usedHeap() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
		}
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

	private static void print(String label, String value) {
		System.out.printf(Locale.ROOT, "%-24s %s%n", label, value);
	}

	/**
	 * Delays per instance, and the pokes that must not happen.
	 */
	private static final class Delays {

		private final List<List<Long>> byInstance = List.of(new ArrayList<>(), new ArrayList<>());

		private int missed;

		private int foreign;

		void add(int instance, long millis) {
			this.byInstance.get(instance).add(Math.max(0, millis));
		}

		long[] of(int instance) {
			return this.byInstance.get(instance).stream().mapToLong(Long::longValue).toArray();
		}

	}

}
