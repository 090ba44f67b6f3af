package dev.plasma.testsupport;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.capture.CaptureInstaller;
import dev.plasma.capture.MutationOrigin;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PlasmaDialects;
import dev.plasma.schema.PlasmaSchemaInitializer;
import dev.plasma.schema.SyncedTables;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sequencer.SequencerListener;

/**
 * Plasma's data layer wired by hand on one data source, the way the auto-configuration wires it.
 */
public final class PlasmaFixture {

	public final DataSource dataSource;

	public final JdbcTemplate jdbc;

	public final PlasmaDialect dialect;

	public final Sequencer sequencer;

	public final ChangeLog changeLog;

	public final MutationOrigin origin;

	public final TransactionTemplate transactions;

	private final List<SequencerListener> listeners = new ArrayList<>();

	public PlasmaFixture(DataSource dataSource) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = PlasmaDialects.detect(dataSource);
		try {
			new PlasmaSchemaInitializer(dataSource).initialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		this.sequencer = new Sequencer(dataSource, this.dialect, 1000, List.of((batch, createdAts) -> this.listeners
			.forEach((listener) -> listener.sequenced(batch, createdAts))));
		this.changeLog = new ChangeLog(dataSource, this.dialect);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.origin = new MutationOrigin(dataSource, this.dialect, this.transactions);
	}

	/**
	 * Installs capture triggers for the given declarations (as at application start-up).
	 * @param declarations the declared tables
	 * @return the resolved tables
	 */
	public SyncedTables install(TableDeclaration... declarations) {
		try {
			return new SyncedTables(new CaptureInstaller(this.dataSource, this.dialect, List.of(declarations)).install());
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public void addListener(SequencerListener listener) {
		this.listeners.add(listener);
	}

	public static TableDeclaration synced(String name) {
		return new TableDeclaration(name, false);
	}

	public static TableDeclaration suppressed(String name) {
		return new TableDeclaration(name, true);
	}

}
