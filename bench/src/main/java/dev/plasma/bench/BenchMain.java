package dev.plasma.bench;

import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.plasma.bench.access.ReadRulesBenchmark;
import dev.plasma.bench.blob.BlobBenchmark;
import dev.plasma.bench.compaction.CompactionBenchmark;
import dev.plasma.bench.replica.ReplicaBenchmark;
import dev.plasma.bench.poke.PokeBenchmark;
import dev.plasma.bench.regions.RegionsBenchmark;
import dev.plasma.bench.sync.SyncLoadBenchmark;

/**
 * Entry point of the benchmark jar: {@code java -jar plasma-bench.jar capture --db postgresql}.
 * <p>
 * Exit status: 0 when every target was met, 1 when one was missed, 2 on a usage error or a failed run,
 * 3 when the run exceeded its time budget and was stopped.
 */
public final class BenchMain {

	private static final Logger LIQUIBASE_LOGGER = Logger.getLogger("liquibase");

	private BenchMain() {
	}

	public static void main(String[] args) {
		if (args.length > 0 && args[0].equals(SyncLoadBenchmark.COMMAND)) {
			System.exit(SyncLoadBenchmark.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		if (args.length > 0 && args[0].equals(CompactionBenchmark.COMMAND)) {
			System.exit(CompactionBenchmark.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		if (args.length > 0 && args[0].equals(ReplicaBenchmark.COMMAND)) {
			System.exit(ReplicaBenchmark.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		if (args.length > 0 && args[0].equals(BlobBenchmark.COMMAND)) {
			System.exit(BlobBenchmark.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		if (args.length > 0 && args[0].equals(PokeBenchmark.COMMAND)) {
			System.exit(PokeBenchmark.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		if (args.length > 0 && args[0].equals(RegionsBenchmark.COMMAND)) {
			System.exit(RegionsBenchmark.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		if (args.length > 0 && args[0].equals(ReadRulesBenchmark.COMMAND)) {
			System.exit(ReadRulesBenchmark.run(Arrays.copyOfRange(args, 1, args.length)));
		}
		BenchOptions options;
		try {
			options = BenchOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("plasma-bench: " + ex.getMessage());
			System.err.print(BenchOptions.USAGE);
			System.exit(2);
			return;
		}
		LIQUIBASE_LOGGER.setLevel(Level.WARNING);
		BenchSupport.startWatchdog(budgetSeconds(options));
		int status;
		try {
			status = new CaptureBenchmark(options).run() ? 0 : 1;
		}
		catch (Exception ex) {
			System.err.println("plasma-bench: run failed: " + ex);
			ex.printStackTrace(System.err);
			status = 2;
		}
		System.exit(status);
	}

	/**
	 * Returns the most a run may take: set-up, warm-up, the phases and a bounded drain after each.
	 */
	private static long budgetSeconds(BenchOptions options) {
		return 120 + (long) options.rounds() * (2L * options.seconds() + 35);
	}

}
