package dev.plasma.capture;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.schema.SyncedTable;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.schema.TableResolver;

/**
 * Installs the capture triggers of the declared tables, idempotently, at start-up.
 * <p>
 * Every declared table is resolved and validated before anything changes; two declarations of one
 * physical table stop the start. Then, under a lock that serialises installation across application
 * instances, registrations in {@code _plasma_tables} that are no longer declared are dropped first, with
 * their triggers unless a declared table still uses them (a key renamed only in case). Each declared table
 * is then compared with its registration and with the triggers the database's catalog really holds:
 * <ul>
 * <li>newly synced (or previously suppressed): triggers created, every existing row captured as a
 * {@code put} (invariant 8);</li>
 * <li>synced with a different trigger fingerprint (its columns changed): triggers regenerated;</li>
 * <li>synced and registered, but its triggers are gone or disabled (dropped, or the table dropped and
 * re-created, behind Plasma's back): triggers re-installed and every existing row captured again as a
 * {@code put}, with a warning naming the table;</li>
 * <li>suppressed: triggers removed.</li>
 * </ul>
 * On PostgreSQL the whole installation is one transaction (the trigger's table lock keeps concurrent
 * writers out until the initial capture commits). On MariaDB and H2, where DDL commits implicitly, the
 * trigger is created before the existing rows are read, so a concurrent write is never missed (at worst
 * captured twice, with the later entry holding the current row).
 */
public class CaptureInstaller {

	private static final Log logger = LogFactory.getLog(CaptureInstaller.class);

	private static final String DELETE_REGISTRATION = """
			DELETE FROM _plasma_tables WHERE table_name = ?""";

	private final DataSource dataSource;

	private final PlasmaDialect dialect;

	private final List<TableDeclaration> declarations;

	private final TableResolver resolver = new TableResolver();

	public CaptureInstaller(DataSource dataSource, PlasmaDialect dialect, List<TableDeclaration> declarations) {
		this.dataSource = dataSource;
		this.dialect = dialect;
		this.declarations = List.copyOf(declarations);
	}

	/**
	 * Resolves the declared tables and brings their triggers up to date.
	 * @return the resolved tables, suppressed ones included
	 * @throws SQLException on database errors
	 */
	public List<SyncedTable> install() throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			List<SyncedTable> tables = this.resolver.resolveAll(connection, this.declarations);
			boolean autoCommit = connection.getAutoCommit();
			this.dialect.lockInstallation(connection);
			try {
				connection.setAutoCommit(!this.dialect.transactionalDdl());
				install(connection, tables);
				if (!connection.getAutoCommit()) {
					connection.commit();
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (!connection.getAutoCommit()) {
					connection.rollback();
				}
				throw ex;
			}
			finally {
				connection.setAutoCommit(autoCommit);
				this.dialect.unlockInstallation(connection);
			}
			return tables;
		}
	}

	private void install(Connection connection, List<SyncedTable> tables) throws SQLException {
		Map<String, Registration> registered = readRegistrations(connection);
		dropStaleRegistrations(connection, tables, registered);
		Set<String> withTriggers = this.dialect.tablesWithCaptureTriggers(connection);
		for (SyncedTable table : tables) {
			Registration registration = registered.get(table.name());
			boolean hasTriggers = withTriggers.contains(table.physicalName());
			if (table.changeLogSuppressed()) {
				if (registration == null || !registration.suppressed() || hasTriggers) {
					execute(connection, this.dialect.dropCaptureTriggers(table.physicalName()));
					register(connection, table, "", registration != null);
					logger.info("Plasma: table '" + table.name() + "' is change-log suppressed; no capture");
				}
				continue;
			}
			List<String> ddl = this.dialect.createCaptureTriggers(table);
			String fingerprint = fingerprint(table, ddl);
			if (registration == null || registration.suppressed()) {
				register(connection, table, fingerprint, registration != null);
				execute(connection, ddl);
				int captured = this.dialect.captureExistingRows(connection, table);
				logger.info("Plasma: capturing table '" + table.name() + "' (" + captured + " existing rows captured)");
			}
			else if (!registration.fingerprint().equals(fingerprint)
					|| !registration.physicalName().equals(table.physicalName())) {
				register(connection, table, fingerprint, true);
				execute(connection, ddl);
				logger.info("Plasma: regenerated capture triggers of table '" + table.name() + "'");
			}
			else if (!hasTriggers) {
				execute(connection, ddl);
				int recaptured = this.dialect.captureExistingRows(connection, table);
				logger.warn("Plasma: table '" + table.name() + "' had lost its capture triggers (dropped or disabled, or "
						+ "the table dropped and re-created, behind Plasma's back), so its writes were not captured; "
						+ "re-installed them and captured its " + recaptured + " current rows again. Rows deleted "
						+ "meanwhile may remain on clients that had them.");
			}
		}
	}

	/**
	 * Removes registrations of tables no longer declared, and their triggers unless a declared table has
	 * the same physical table (the key was renamed in case only).
	 */
	private void dropStaleRegistrations(Connection connection, List<SyncedTable> tables,
			Map<String, Registration> registered) throws SQLException {
		Set<String> declaredNames = tables.stream().map(SyncedTable::name).collect(Collectors.toSet());
		Set<String> declaredPhysicalNames = tables.stream().map(SyncedTable::physicalName).collect(Collectors.toSet());
		for (Registration stale : registered.values()) {
			if (declaredNames.contains(stale.name())) {
				continue;
			}
			try (PreparedStatement delete = connection.prepareStatement(DELETE_REGISTRATION)) {
				delete.setString(1, stale.name());
				delete.executeUpdate();
			}
			if (declaredPhysicalNames.contains(stale.physicalName())) {
				logger.info("Plasma: table '" + stale.name() + "' is no longer declared under plasma.tables; its table '"
						+ stale.physicalName() + "' is declared under another name, which keeps its capture triggers");
				continue;
			}
			execute(connection, this.dialect.dropCaptureTriggers(stale.physicalName()));
			logger.warn("Plasma: table '" + stale.name() + "' is no longer declared under plasma.tables; its capture "
					+ "triggers were removed. If it is still meant to sync, note that Spring Boot's YAML loader drops an "
					+ "empty map such as '" + stale.name() + ": {}'; declare '" + stale.name() + ":' (empty) instead.");
		}
	}

	private Map<String, Registration> readRegistrations(Connection connection) throws SQLException {
		Map<String, Registration> registrations = new LinkedHashMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(
						"SELECT table_name, physical_name, fingerprint, change_log_suppressed FROM _plasma_tables")) {
			while (rs.next()) {
				Registration registration = new Registration(rs.getString(1), rs.getString(2), rs.getString(3),
						rs.getBoolean(4));
				registrations.put(registration.name(), registration);
			}
		}
		return registrations;
	}

	private void register(Connection connection, SyncedTable table, String fingerprint, boolean exists)
			throws SQLException {
		String sql = exists
				? "UPDATE _plasma_tables SET physical_name = ?, fingerprint = ?, change_log_suppressed = ?, installed_at = ?, scope_column = ? WHERE table_name = ?"
				: "INSERT INTO _plasma_tables (physical_name, fingerprint, change_log_suppressed, installed_at, scope_column, table_name) VALUES (?, ?, ?, ?, ?, ?)";
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, table.physicalName());
			statement.setString(2, fingerprint);
			statement.setBoolean(3, table.changeLogSuppressed());
			statement.setLong(4, System.currentTimeMillis());
			statement.setString(5, (table.scopeColumn() != null) ? table.scopeColumn().name() : null);
			statement.setString(6, table.name());
			statement.executeUpdate();
		}
	}

	private void execute(Connection connection, List<String> statements) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private static String fingerprint(SyncedTable table, List<String> ddl) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update((table.columns() + "|" + table.primaryKey()).getBytes(StandardCharsets.UTF_8));
			if (table.scopeColumn() != null) {
				digest.update(("|scope=" + table.scopeColumn().name()).getBytes(StandardCharsets.UTF_8));
			}
			for (String sql : ddl) {
				digest.update(sql.getBytes(StandardCharsets.UTF_8));
				digest.update((byte) 0);
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Registration(String name, String physicalName, String fingerprint, boolean suppressed) {
	}

}
