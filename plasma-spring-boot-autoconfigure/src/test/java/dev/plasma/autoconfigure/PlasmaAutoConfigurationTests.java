package dev.plasma.autoconfigure;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.plasma.capture.MutationOrigin;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.schema.PlasmaSchemaInitializer;
import dev.plasma.schema.SyncedTables;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sequencer.SequencerLoop;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plasma's auto-configuration on H2: what it defines, how it backs off, and how its schema coexists with
 * the application's own Liquibase migrations.
 */
class PlasmaAutoConfigurationTests {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class,
				PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class))
		.withPropertyValues("spring.liquibase.change-log=classpath:db/changelog/test-app.xml",
				"plasma.tables.todos.change-log-suppressed=false");

	private ApplicationContextRunner onFreshDatabase() {
		return this.runner.withPropertyValues(
				"spring.datasource.url=jdbc:h2:mem:autoconfig" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
	}

	@Test
	void definesTheDataLayerByDefault() {
		onFreshDatabase().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(PlasmaDialect.class)
				.hasSingleBean(PlasmaSchemaInitializer.class)
				.hasSingleBean(SyncedTables.class)
				.hasSingleBean(MutationOrigin.class)
				.hasSingleBean(Sequencer.class)
				.hasSingleBean(SequencerLoop.class)
				.hasSingleBean(ChangeLog.class);
			assertThat(context.getBean(SequencerLoop.class).isRunning()).isTrue();
		});
	}

	@Test
	void theApplicationsOwnLiquibaseKeepsRunningAndPlasmaRunsAfterIt() {
		onFreshDatabase().run((context) -> {
			assertThat(context).hasSingleBean(SpringLiquibase.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID = 'app-1'", Integer.class))
				.isEqualTo(1);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_databasechangelog WHERE ID LIKE 'plasma-%'",
					Integer.class))
				.isGreaterThan(0);
			String[] dependsOn = context.getBeanFactory().getBeanDefinition("plasmaSchemaInitializer").getDependsOn();
			assertThat(dependsOn).contains("liquibase");
			assertThat(context.getBeanFactory().getBeanDefinition("plasmaSyncedTables").getDependsOn())
				.contains("liquibase", "plasmaSchemaInitializer");
		});
	}

	@Test
	void withInitializeNeverTheApplicationsChangelogCreatesPlasmasTables() {
		onFreshDatabase()
			.withPropertyValues("plasma.schema.initialize=never",
					"spring.liquibase.change-log=classpath:db/changelog/test-app-including-plasma.xml")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(PlasmaSchemaInitializer.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM DATABASECHANGELOG WHERE ID LIKE 'plasma-%'",
						Integer.class))
					.isGreaterThan(0);
				jdbc.update("INSERT INTO todos (id, text) VALUES ('t1', 'x')");
				assertThat(context.getBean(Sequencer.class).flush()).isEqualTo(1);
			});
	}

	@Test
	void aTableDeclaredWithAnEmptyValueIsSynced() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class,
					PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class))
			.withPropertyValues("spring.liquibase.change-log=classpath:db/changelog/test-app.xml",
					"spring.datasource.url=jdbc:h2:mem:autoconfig" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1",
					"plasma.tables.todos=")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SyncedTables.class).synced()).extracting((table) -> table.name())
					.containsExactly("todos");
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnSequencer() {
		onFreshDatabase().withUserConfiguration(CustomSequencerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Sequencer.class);
			assertThat(context.getBean(Sequencer.class)).isSameAs(context.getBean("customSequencer"));
		});
	}

	@Test
	void theBackgroundSequencerCanBeSwitchedOff() {
		onFreshDatabase().withPropertyValues("plasma.sequencer.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Sequencer.class)
				.doesNotHaveBean(SequencerLoop.class));
	}

	@Test
	void doesNothingWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(Sequencer.class)
				.doesNotHaveBean(PlasmaSchemaInitializer.class));
	}

	@Test
	void startsWithoutBootsLiquibaseModuleOnTheClasspath() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.liquibase"))
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:noliquibase;DB_CLOSE_DELAY=-1")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Sequencer.class));
	}

	@Test
	void usesTheDataSourceQualifiedWithPlasmaDataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class))
			.withUserConfiguration(TwoDataSourcesConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate plasmaDb = new JdbcTemplate(context.getBean("plasmaOnly", DataSource.class));
				JdbcTemplate appDb = new JdbcTemplate(context.getBean("appDataSource", DataSource.class));
				assertThat(plasmaDb.queryForObject("SELECT COUNT(*) FROM _plasma_sequencer", Integer.class)).isEqualTo(1);
				assertThat(appDb.queryForList(
						"SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE '\\_PLASMA%'", String.class))
					.isEmpty();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomSequencerConfiguration {

		@Bean
		Sequencer customSequencer(DataSource dataSource, PlasmaDialect dialect) {
			return new Sequencer(dataSource, dialect, 10, List.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSourcesConfiguration {

		@Bean
		@org.springframework.context.annotation.Primary
		DataSource appDataSource() {
			return new DriverManagerDataSource("jdbc:h2:mem:app-only;DB_CLOSE_DELAY=-1", "sa", "");
		}

		@Bean
		@PlasmaDataSource
		DataSource plasmaOnly() {
			return new DriverManagerDataSource("jdbc:h2:mem:plasma-only;DB_CLOSE_DELAY=-1", "sa", "");
		}

	}

}
