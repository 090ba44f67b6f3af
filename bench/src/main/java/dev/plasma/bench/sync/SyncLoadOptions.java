package dev.plasma.bench.sync;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line of {@code sync-load}: {@code --name value} options after the command.
 * @param baseUrl the running sample app, on a loopback address only
 * @param clients simulated clients, each with its own client group and client ID
 * @param seconds length of one measured plain or push phase
 * @param rounds interleaved plain/push rounds; the ratio is their median
 * @param pullSeconds length of the push-then-pull phase
 * @param warmupSeconds length of the unmeasured warm-up of each endpoint
 * @param paceMillis after the closed-loop push+pull phase, run a paced one of the same length in which
 * every client starts one push+pull every this many milliseconds (0: no paced phase)
 * @param databaseName the PostgreSQL database the app uses, to find its backends' CPU time in /proc
 * @param mutationsPerPush {@code createTodo} mutations in each push request
 */
public record SyncLoadOptions(URI baseUrl, int clients, int seconds, int rounds, int pullSeconds, int warmupSeconds,
		int paceMillis, String databaseName, int mutationsPerPush) {

	/** How the command is used. */
	public static final String USAGE = """
			usage: java -jar plasma-bench.jar sync-load [options]

			Push and pull load against a running sample app (see bench/sync-load.sh, which builds it, starts
			it on a fresh PostgreSQL database and stops it again).

			options:
			  --url URL          the sample app, loopback only (default http://127.0.0.1:18080)
			  --clients N        simulated clients, each its own client group (default 16)
			  --seconds N        length of each measured plain and push phase (default 5)
			  --rounds N         interleaved plain/push rounds, median ratio reported (default 3)
			  --pull-seconds N   length of the push-then-incremental-pull phase (default 10)
			  --warmup N         unmeasured warm-up of each endpoint, seconds (default 3)
			  --pace-ms N        after the closed-loop push+pull phase, a paced one of the same length:
			                     each client starts one push+pull every N ms, to show pull latency below
			                     saturation (informational; default 250, 0 skips it)
			  --db-name NAME     the app's PostgreSQL database, whose backends' CPU time is reported
			                     (default plasma_bench_sync)
			  --mutations-per-push N  createTodo mutations in each push request (default 1); rates count
			                     mutations
			""";

	/**
	 * Parses the options that follow the command name.
	 * @param args the command line after the command name
	 * @return the options
	 * @throws IllegalArgumentException on a usage error
	 */
	public static SyncLoadOptions parse(String[] args) {
		URI url = URI.create("http://127.0.0.1:18080");
		int clients = 16;
		int seconds = 5;
		int rounds = 3;
		int pullSeconds = 10;
		int warmup = 3;
		int pace = 250;
		String databaseName = "plasma_bench_sync";
		int mutationsPerPush = 1;
		List<String> rest = new ArrayList<>(List.of(args));
		while (!rest.isEmpty()) {
			String name = rest.remove(0);
			if (rest.isEmpty()) {
				throw new IllegalArgumentException("option " + name + " needs a value");
			}
			String value = rest.remove(0);
			switch (name) {
				case "--url" -> url = loopback(value);
				case "--clients" -> clients = number(name, value, 1, 256);
				case "--seconds" -> seconds = number(name, value, 1, 120);
				case "--rounds" -> rounds = number(name, value, 1, 15);
				case "--pull-seconds" -> pullSeconds = number(name, value, 1, 300);
				case "--warmup" -> warmup = number(name, value, 0, 60);
				case "--pace-ms" -> pace = number(name, value, 0, 10_000);
				case "--db-name" -> databaseName = value;
				case "--mutations-per-push" -> mutationsPerPush = number(name, value, 1, 1000);
				default -> throw new IllegalArgumentException("unknown option " + name);
			}
		}
		return new SyncLoadOptions(url, clients, seconds, rounds, pullSeconds, warmup, pace, databaseName,
				mutationsPerPush);
	}

	/**
	 * Returns the most a run may take before the watchdog stops it.
	 * @return seconds
	 */
	public long budgetSeconds() {
		return 60 + 2L * this.warmupSeconds + (long) this.rounds * (2L * this.seconds + 10) + 3L * this.pullSeconds + 30;
	}

	private static URI loopback(String value) {
		URI uri;
		try {
			uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("--url '" + value + "' is not a URL");
		}
		if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
			throw new IllegalArgumentException("--url must be an http:// URL with a host, not '" + value + "'");
		}
		try {
			for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
				if (!address.isLoopbackAddress()) {
					throw new IllegalArgumentException("--url must point at a loopback address (127.0.0.0/8, ::1), not "
							+ address.getHostAddress());
				}
			}
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("--url host '" + uri.getHost() + "' does not resolve");
		}
		return uri;
	}

	private static int number(String name, String value, int min, int max) {
		int parsed;
		try {
			parsed = Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
		}
		if (parsed < min || parsed > max) {
			throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + parsed);
		}
		return parsed;
	}

}
