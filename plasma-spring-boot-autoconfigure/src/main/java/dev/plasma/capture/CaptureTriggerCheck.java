package dev.plasma.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessResourceFailureException;

import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.schema.SyncedTable;
import dev.plasma.schema.SyncedTables;

/**
 * Finds the synced tables whose capture triggers are gone or disabled (dropped, or lost with a table
 * dropped and re-created, behind Plasma's back), with one catalog query: cheap enough for a health check.
 * Writes to such a table are not captured until the next start re-installs its triggers.
 */
public class CaptureTriggerCheck {

	private final DataSource dataSource;

	private final PlasmaDialect dialect;

	private final SyncedTables tables;

	/**
	 * Creates a check.
	 * @param dataSource the data source holding the synced tables
	 * @param dialect the database's dialect
	 * @param tables the declared tables
	 */
	public CaptureTriggerCheck(DataSource dataSource, PlasmaDialect dialect, SyncedTables tables) {
		this.dataSource = dataSource;
		this.dialect = dialect;
		this.tables = tables;
	}

	/**
	 * Returns the synced tables that have lost their capture triggers.
	 * @return their configured names, in declaration order; empty when every synced table is captured
	 */
	public List<String> tablesWithoutCapture() {
		Set<String> withTriggers;
		try (Connection connection = this.dataSource.getConnection()) {
			withTriggers = this.dialect.tablesWithCaptureTriggers(connection);
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Plasma: could not read the capture triggers from the catalog", ex);
		}
		return this.tables.synced()
			.stream()
			.filter((table) -> !withTriggers.contains(table.physicalName()))
			.map(SyncedTable::name)
			.toList();
	}

}
