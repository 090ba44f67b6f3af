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
import dev.plasma.ledger.MutationLedger;
import dev.plasma.mutation.MutatorRegistry;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PushProcessor;
import dev.plasma.sync.SyncObserver;

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

	/**
	 * Creates the push processor over a registry of mutators.
	 * @param mutators the mutators
	 * @return the processor
	 */
	public PushProcessor pushProcessor(MutatorRegistry mutators) {
		return new PushProcessor(this.transactions, new MutationLedger(this.dataSource, this.dialect), this.origin, mutators,
				this.sequencer, SyncObserver.NONE);
	}

	/**
	 * Creates the pull processor for resolved tables.
	 * @param tables the tables
	 * @param maxChanges page size
	 * @return the processor
	 */
	public PullProcessor pullProcessor(SyncedTables tables, int maxChanges) {
		return pullProcessor(tables, maxChanges, 4L * 1024 * 1024);
	}

	/**
	 * Creates the pull processor for resolved tables with a size budget per page.
	 * @param tables the tables
	 * @param maxChanges page size in entries
	 * @param maxBytes page size in bytes
	 * @return the processor
	 */
	public PullProcessor pullProcessor(SyncedTables tables, int maxChanges, long maxBytes) {
		return new PullProcessor(this.dataSource, this.dialect, this.changeLog, tables, this.transactions, maxChanges,
				maxBytes, SyncObserver.NONE);
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
