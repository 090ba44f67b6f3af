package dev.plasma.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command line of the benchmark runner: a command followed by {@code --name value} options.
 * @param command the benchmark to run, e.g. {@code capture}
 * @param database the database to run against
 * @param seconds length of one measured phase
 * @param writers concurrent writer threads of a phase
 * @param rounds measured rounds, each one plain and one synced phase
 * @param rows key space the writers pick row IDs from
 * @param sequencer whether the sequencer loop runs during the phases ({@code off} is for profiling: the
 * captured phases then pay for the triggers only, and the backlog is flushed after each)
 */
record BenchOptions(String command, BenchDatabase database, int seconds, int writers, int rounds, int rows,
		boolean sequencer) {

	static final String USAGE = """
			usage: java -jar plasma-bench.jar <command> --db postgresql|mariadb|h2 [options]

			commands:
			  capture            write throughput of a captured table against a plain one, sequencer delay
			  capture-baseline   the same with a minimal trigger instead of Plasma's (one constant row into
			                     a side table): the floor any row trigger costs

			options:
			  --seconds N        length of each measured phase (default 5)
			  --writers N        concurrent single-row upsert writers (default 8)
			  --rounds N         interleaved plain/captured rounds (default 3)
			  --rows N           key space the writers pick row IDs from (default 10000)
			  --sequencer on|off off: no sequencer during the phases, to profile the triggers alone
			                     (default on; off reports no delay or backlog verdicts)
			""";

	static final List<String> COMMANDS = List.of("capture", "capture-baseline");

	static BenchOptions parse(String[] args) {
		if (args.length == 0 || !COMMANDS.contains(args[0])) {
			throw new IllegalArgumentException((args.length == 0) ? "no command given" : "unknown command '" + args[0] + "'");
		}
		BenchDatabase database = null;
		int seconds = 5;
		int writers = 8;
		int rounds = 3;
		int rows = 10_000;
		boolean sequencer = true;
		List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
		while (!rest.isEmpty()) {
			String name = rest.remove(0);
			if (rest.isEmpty()) {
				throw new IllegalArgumentException("option " + name + " needs a value");
			}
			String value = rest.remove(0);
			switch (name) {
				case "--db" -> database = BenchDatabase.of(value.toLowerCase(Locale.ROOT));
				case "--seconds" -> seconds = BenchSupport.wholeNumber(name, value, 1, 600);
				case "--writers" -> writers = BenchSupport.wholeNumber(name, value, 1, 64);
				case "--rounds" -> rounds = BenchSupport.wholeNumber(name, value, 1, 15);
				case "--rows" -> rows = BenchSupport.wholeNumber(name, value, 1, 10_000_000);
				case "--sequencer" -> sequencer = onOff(name, value);
				default -> throw new IllegalArgumentException("unknown option " + name);
			}
		}
		if (database == null) {
			throw new IllegalArgumentException("--db is required");
		}
		return new BenchOptions(args[0], database, seconds, writers, rounds, rows, sequencer);
	}

	private static boolean onOff(String name, String value) {
		return switch (value) {
			case "on" -> true;
			case "off" -> false;
			default -> throw new IllegalArgumentException(name + " must be on or off, not '" + value + "'");
		};
	}

}
