package dev.plasma.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for Plasma.
 */
@ConfigurationProperties("plasma")
public class PlasmaProperties {

	/**
	 * Tables to sync, by table name. Each is synced unless marked change-log-suppressed.
	 */
	private Map<String, Table> tables = new LinkedHashMap<>();

	private final Schema schema = new Schema();

	private final Sequencer sequencer = new Sequencer();

	public Map<String, Table> getTables() {
		return this.tables;
	}

	public void setTables(Map<String, Table> tables) {
		this.tables = tables;
	}

	public Schema getSchema() {
		return this.schema;
	}

	public Sequencer getSequencer() {
		return this.sequencer;
	}

	/**
	 * One declared table.
	 */
	public static class Table {

		/**
		 * Whether writes to the table are never captured nor sent to clients (a local scratch table).
		 */
		private boolean changeLogSuppressed;

		public boolean isChangeLogSuppressed() {
			return this.changeLogSuppressed;
		}

		public void setChangeLogSuppressed(boolean changeLogSuppressed) {
			this.changeLogSuppressed = changeLogSuppressed;
		}

	}

	/**
	 * Plasma's own tables.
	 */
	public static class Schema {

		/**
		 * When to create and upgrade Plasma's tables: "always" runs Plasma's changelog at start-up with its
		 * own history tables; "never" expects the application to include
		 * classpath:db/changelog/plasma/plasma-changelog.xml in its own migrations.
		 */
		private Initialize initialize = Initialize.ALWAYS;

		public Initialize getInitialize() {
			return this.initialize;
		}

		public void setInitialize(Initialize initialize) {
			this.initialize = initialize;
		}

		/**
		 * Schema initialization modes.
		 */
		public enum Initialize {

			/**
			 * Run Plasma's changelog at start-up.
			 */
			ALWAYS,

			/**
			 * Leave Plasma's tables to the application's migrations.
			 */
			NEVER

		}

	}

	/**
	 * The sequencer that numbers committed change-log entries.
	 */
	public static class Sequencer {

		/**
		 * Whether this instance runs the background sequencer thread. Pulls still flush it on demand.
		 */
		private boolean enabled = true;

		/**
		 * Pause between sequencer batches when nothing more is pending.
		 */
		private Duration pollInterval = Duration.ofMillis(10);

		/**
		 * Most entries sequenced in one transaction.
		 */
		private int batchSize = 1000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

}
