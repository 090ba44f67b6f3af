package dev.plasma.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.schema.SyncedTables;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A declaration that does not match the database stops the application with one message naming the
 * table and the problem.
 */
public abstract class AbstractStartupValidationTests {

	protected abstract TestDatabase database();

	private ApplicationContextRunner runner;

	@BeforeEach
	void prepareDatabase() {
		String url = database().freshUrl();
		try (HikariDataSource setup = database().dataSource(url, 1)) {
			JdbcTemplate jdbc = new JdbcTemplate(setup);
			jdbc.execute("CREATE TABLE todos (id VARCHAR(64) PRIMARY KEY, text VARCHAR(100))");
			jdbc.execute("CREATE TABLE keyless (id INT, text VARCHAR(100))");
			jdbc.execute("CREATE TABLE pairs (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b))");
		}
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=" + database().user(),
					"spring.datasource.password=", "plasma.sequencer.enabled=false");
	}

	@Test
	void aDeclaredTableThatDoesNotExistStopsTheApplication() {
		this.runner.withPropertyValues("plasma.tables.ghosts.change-log-suppressed=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageStartingWith("Plasma: table 'ghosts' declared under plasma.tables does not exist in the database"));
	}

	@Test
	void aTableWithoutAPrimaryKeyStopsTheApplication() {
		this.runner.withPropertyValues("plasma.tables.keyless.change-log-suppressed=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessage("Plasma: table 'keyless' declared under plasma.tables has no primary key; "
						+ "Plasma needs one to identify rows."));
	}

	@Test
	void aNameThatIsNotAPlainIdentifierStopsTheApplicationBeforeReachingSql() {
		this.runner.withPropertyValues("plasma.tables[todos;drop table todos].change-log-suppressed=false")
			.run((context) -> {
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(PlasmaConfigurationException.class)
					.hasMessageContaining("table 'todos;drop table todos' declared under plasma.tables cannot be used")
					.hasMessageContaining("is not a plain SQL identifier");
			});
		this.runner.withPropertyValues("plasma.tables.todos.change-log-suppressed=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aNameInPlasmasOwnNamespaceIsRefused() {
		this.runner.withPropertyValues("plasma.tables._plasma_changes.change-log-suppressed=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("belongs to Plasma's internal _plasma_ namespace"));
	}

	@Test
	void aCompositePrimaryKeyIsAcceptedAndSuppressedTablesAreDeclaredToo() {
		this.runner
			.withPropertyValues("plasma.tables.pairs.change-log-suppressed=false",
					"plasma.tables.todos.change-log-suppressed=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SyncedTables tables = context.getBean(SyncedTables.class);
				assertThat(tables.get("pairs").primaryKey()).hasSize(2);
				assertThat(tables.synced()).extracting((table) -> table.name()).containsExactly("pairs");
			});
	}

}
