package dev.plasma.autoconfigure;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

import dev.plasma.schema.PlasmaConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with Liquibase but without {@code spring-boot-starter-liquibase} never runs its own
 * changelog; the start-up failure names the missing starter instead of only the missing table.
 */
class MissingLiquibaseStarterFailureAnalyzerTests {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private static final FilteredClassLoader WITHOUT_BOOTS_LIQUIBASE_MODULE = new FilteredClassLoader(
			"org.springframework.boot.liquibase");

	@Test
	void aMissingTableWithLiquibaseButWithoutBootsLiquibaseModuleNamesTheStarter() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class))
			.withClassLoader(WITHOUT_BOOTS_LIQUIBASE_MODULE)
			.withPropertyValues(
					"spring.datasource.url=jdbc:h2:mem:nostarter" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1",
					"spring.liquibase.change-log=classpath:db/changelog/test-app.xml", "plasma.tables.todos=",
					"plasma.sequencer.enabled=false")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new MissingLiquibaseStarterFailureAnalyzer(WITHOUT_BOOTS_LIQUIBASE_MODULE)
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).startsWith("Plasma: table 'todos' declared under plasma.tables does not exist");
				assertThat(analysis.getAction()).contains("org.springframework.boot:spring-boot-starter-liquibase");
			});
	}

	@Test
	void withBootsLiquibaseModulePresentItLeavesTheAnalysisToTheGeneralAnalyzer() {
		assertThat(new MissingLiquibaseStarterFailureAnalyzer().analyze(missingTable())).isNull();
	}

	@Test
	void withoutTheLiquibaseLibraryItLeavesTheAnalysisToTheGeneralAnalyzer() {
		assertThat(new MissingLiquibaseStarterFailureAnalyzer(new FilteredClassLoader("liquibase",
				"org.springframework.boot.liquibase"))
			.analyze(missingTable())).isNull();
	}

	@Test
	void otherConfigurationProblemsAreLeftToTheGeneralAnalyzer() {
		PlasmaConfigurationException noKey = new PlasmaConfigurationException(
				"Plasma: table 'keyless' declared under plasma.tables has no primary key; Plasma needs one to identify rows.");
		assertThat(new MissingLiquibaseStarterFailureAnalyzer(WITHOUT_BOOTS_LIQUIBASE_MODULE).analyze(noKey)).isNull();
	}

	@Test
	void isRegisteredAndConsultedBeforeTheGeneralAnalyzer() {
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(getClass().getClassLoader())
			.load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> {
			}));
		List<Class<?>> plasmas = analyzers.stream()
			.<Class<?>>map(Object::getClass)
			.filter((type) -> type.getPackageName().equals("dev.plasma.autoconfigure"))
			.toList();
		assertThat(plasmas).containsExactly(MissingLiquibaseStarterFailureAnalyzer.class,
				PlasmaConfigurationFailureAnalyzer.class);
	}

	private static PlasmaConfigurationException missingTable() {
		return new PlasmaConfigurationException(
				"Plasma: table 'todos' declared under plasma.tables does not exist in the database (schema 'PUBLIC').");
	}

}
