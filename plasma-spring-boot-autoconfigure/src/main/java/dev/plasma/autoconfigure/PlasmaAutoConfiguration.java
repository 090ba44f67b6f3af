package dev.plasma.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.access.GrantResolver;
import dev.plasma.access.ReadRules;
import dev.plasma.access.ReadRulesResolver;
import dev.plasma.capture.CaptureInstaller;
import dev.plasma.capture.MutationOrigin;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.mutation.MutationCheck;
import dev.plasma.mutation.MutatorRegistry;
import dev.plasma.mutation.PlasmaMutatorMethodRegistrar;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PullSourceChooser;
import dev.plasma.sync.PushProcessor;
import dev.plasma.sync.SyncObserver;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PlasmaDialects;
import dev.plasma.schema.SyncedTables;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.changelog.PendingScope;
import dev.plasma.sequencer.RegionTakeover;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sequencer.SequencerListener;
import dev.plasma.sequencer.SequencerLoop;

/**
 * Auto-configuration of Plasma's core: dialect, capture triggers, mutation origin, sequencer, change-log
 * reader, mutators, and the push and pull processors shared by both HTTP protocols.
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
	@ConfigurationPropertiesBinding
	static TableDeclarationConverter plasmaTableDeclarationConverter() {
		return new TableDeclarationConverter();
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
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, PlasmaProperties properties,
			Environment environment) {
		List<TableDeclaration> declarations = TableDeclarations.of(properties, environment);
		if (declarations.isEmpty()) {
			LogFactory.getLog(PlasmaAutoConfiguration.class)
				.warn("Plasma: no tables are declared under plasma.tables, so nothing is synced. Note that Spring Boot's "
						+ "YAML loader drops an empty map such as 'todos: {}'; declare 'todos:' (empty) or "
						+ "'todos: {change-log-suppressed: false}' instead.");
		}
		return new CaptureInstaller(plasmaDataSource(plasmaDataSource, dataSource), dialect, declarations);
	}

	@Bean
	@ConditionalOnMissingBean
	SyncedTables plasmaSyncedTables(CaptureInstaller installer) throws Exception {
		return new SyncedTables(installer.install());
	}

	@Bean
	@ConditionalOnMissingBean
	ReadRules plasmaReadRules(SyncedTables tables, PlasmaDialect dialect, PlasmaProperties properties,
			ObjectProvider<GrantResolver> grantResolvers) {
		return new ReadRulesResolver(dialect).resolve(tables, TableDeclarations.readRules(properties),
				TableDeclarations.grantSources(properties), grantResolvers.orderedStream().toList());
	}

	static TransactionTemplate transactions(ObjectProvider<PlatformTransactionManager> transactionManager,
			DataSource dataSource) {
		return new TransactionTemplate(transactionManager.getIfUnique(() -> new DataSourceTransactionManager(dataSource)));
	}

	@Bean
	@ConditionalOnMissingBean
	MutationOrigin plasmaMutationOrigin(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect,
			ObjectProvider<PlatformTransactionManager> transactionManager, SyncedTables tables,
			PlasmaProperties properties) {
		DataSource source = plasmaDataSource(plasmaDataSource, dataSource);
		return new MutationOrigin(source, dialect, transactions(transactionManager, source),
				properties.getRegion().getId());
	}

	@Bean
	@ConditionalOnMissingBean
	MutationLedger plasmaMutationLedger(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, PlasmaProperties properties) {
		return new MutationLedger(plasmaDataSource(plasmaDataSource, dataSource), dialect,
				properties.getRegion().getId());
	}

	@Bean
	@ConditionalOnMissingBean
	MutatorRegistry plasmaMutatorRegistry() {
		return new MutatorRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	static PlasmaMutatorMethodRegistrar plasmaMutatorMethodRegistrar(ObjectProvider<MutatorRegistry> registry,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new LazyMutatorMethodRegistrar(registry, jsonMapper);
	}

	@Bean
	@ConditionalOnMissingBean
	PushProcessor plasmaPushProcessor(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, ObjectProvider<PlatformTransactionManager> transactionManager,
			MutationLedger ledger, MutationOrigin origin, MutatorRegistry mutators, Sequencer sequencer,
			ObjectProvider<SyncObserver> observers, ObjectProvider<MutationCheck> checks) {
		return new PushProcessor(transactions(transactionManager, plasmaDataSource(plasmaDataSource, dataSource)), ledger,
				origin, mutators, sequencer, SyncObserver.composite(observers.orderedStream().toList()),
				checks.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	PullProcessor plasmaPullProcessor(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, ObjectProvider<PlatformTransactionManager> transactionManager,
			PlasmaDialect dialect, ChangeLog changeLog, SyncedTables tables, ReadRules readRules,
			PlasmaProperties properties, ObjectProvider<SyncObserver> observers, ObjectProvider<PullSourceChooser> chooser) {
		DataSource source = plasmaDataSource(plasmaDataSource, dataSource);
		return new PullProcessor(source, dialect, changeLog, tables, readRules, transactions(transactionManager, source),
				properties.getPull().getMaxChanges(), properties.getPull().getMaxBytes().toBytes(),
				SyncObserver.composite(observers.orderedStream().toList()),
				chooser.getIfAvailable(() -> PullSourceChooser.PRIMARY_ONLY));
	}

	@Bean
	@ConditionalOnMissingBean
	Sequencer plasmaSequencer(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, PlasmaProperties properties,
			ObjectProvider<SequencerListener> listeners, SyncedTables tables) {
		Sequencer sequencer = new Sequencer(plasmaDataSource(plasmaDataSource, dataSource), dialect,
				properties.getSequencer().getBatchSize(), listeners.orderedStream().toList(),
				new PendingScope(properties.getRegion().getId(), properties.getRegion().getDefaultRegionForRawWrites()));
		sequencer.registerRegion();
		return sequencer;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "plasma.sequencer.enabled", matchIfMissing = true)
	RegionTakeover plasmaRegionTakeover(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, PlasmaProperties properties,
			ObjectProvider<SequencerListener> listeners, Sequencer sequencer) {
		DataSource source = plasmaDataSource(plasmaDataSource, dataSource);
		PlasmaProperties.Region region = properties.getRegion();
		return new RegionTakeover(source, dialect, sequencer.region(), instanceName(), region.getTakeoverAfter(),
				(other) -> new Sequencer(source, dialect, properties.getSequencer().getBatchSize(),
						listeners.orderedStream().toList(), new PendingScope(other, region.getDefaultRegionForRawWrites())));
	}

	private static String instanceName() {
		String host;
		try {
			host = java.net.InetAddress.getLocalHost().getHostName();
		}
		catch (java.io.IOException ex) {
			host = "unknown";
		}
		return host + "/" + ProcessHandle.current().pid();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "plasma.sequencer.enabled", matchIfMissing = true)
	SequencerLoop plasmaSequencerLoop(Sequencer sequencer, PlasmaProperties properties) {
		return new SequencerLoop(sequencer, properties.getSequencer().getPollInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	ChangeLog plasmaChangeLog(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, SyncedTables tables) {
		return new ChangeLog(plasmaDataSource(plasmaDataSource, dataSource), dialect);
	}

}
