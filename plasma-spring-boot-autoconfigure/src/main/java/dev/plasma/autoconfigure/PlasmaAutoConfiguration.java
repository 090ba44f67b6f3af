package dev.plasma.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.capture.CaptureInstaller;
import dev.plasma.capture.MutationOrigin;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PlasmaDialects;
import dev.plasma.schema.SyncedTables;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sequencer.SequencerListener;
import dev.plasma.sequencer.SequencerLoop;

/**
 * Auto-configuration of Plasma's data layer: dialect, capture triggers, mutation origin, sequencer and
 * change-log reader.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
		"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration" })
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(PlasmaProperties.class)
public final class PlasmaAutoConfiguration {

	/**
	 * Name of the bean holding the data source Plasma uses.
	 */
	static DataSource plasmaDataSource(ObjectProvider<DataSource> plasmaDataSource, ObjectProvider<DataSource> dataSource) {
		return plasmaDataSource.getIfAvailable(dataSource::getObject);
	}

	@Bean
	@ConditionalOnMissingBean
	PlasmaDialect plasmaDialect(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource) {
		return PlasmaDialects.detect(plasmaDataSource(plasmaDataSource, dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	CaptureInstaller plasmaCaptureInstaller(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, PlasmaProperties properties) {
		List<TableDeclaration> declarations = properties.getTables()
			.entrySet()
			.stream()
			.map((entry) -> new TableDeclaration(entry.getKey(), entry.getValue().isChangeLogSuppressed()))
			.toList();
		return new CaptureInstaller(plasmaDataSource(plasmaDataSource, dataSource), dialect, declarations);
	}

	@Bean
	@ConditionalOnMissingBean
	SyncedTables plasmaSyncedTables(CaptureInstaller installer) throws Exception {
		return new SyncedTables(installer.install());
	}

	@Bean
	@ConditionalOnMissingBean
	MutationOrigin plasmaMutationOrigin(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect,
			ObjectProvider<PlatformTransactionManager> transactionManager, SyncedTables tables) {
		DataSource source = plasmaDataSource(plasmaDataSource, dataSource);
		PlatformTransactionManager manager = transactionManager
			.getIfUnique(() -> new DataSourceTransactionManager(source));
		return new MutationOrigin(source, dialect, new TransactionTemplate(manager));
	}

	@Bean
	@ConditionalOnMissingBean
	Sequencer plasmaSequencer(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, PlasmaProperties properties,
			ObjectProvider<SequencerListener> listeners, SyncedTables tables) {
		return new Sequencer(plasmaDataSource(plasmaDataSource, dataSource), dialect,
				properties.getSequencer().getBatchSize(),
				listeners.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "plasma.sequencer.enabled", matchIfMissing = true)
	SequencerLoop plasmaSequencerLoop(Sequencer sequencer, PlasmaProperties properties) {
		return new SequencerLoop(sequencer, properties.getSequencer().getPollInterval(),
				properties.getSequencer().getBatchSize());
	}

	@Bean
	@ConditionalOnMissingBean
	ChangeLog plasmaChangeLog(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, SyncedTables tables) {
		return new ChangeLog(plasmaDataSource(plasmaDataSource, dataSource), dialect);
	}

}
