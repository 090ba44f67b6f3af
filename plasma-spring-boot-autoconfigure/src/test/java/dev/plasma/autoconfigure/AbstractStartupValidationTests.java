package dev.plasma.autoconfigure;

import java.sql.Connection;
import java.util.List;
import java.util.function.Consumer;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.actuate.PlasmaHealthIndicator;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.schema.SyncedTables;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A declaration that does not match the database stops the application with one message naming the
 * table and the problem; each key names one physical table by the database's case rules; a table whose
 * capture triggers were lost behind Plasma's back is captured again at the next start and reported DOWN
 * meanwhile.
 */
public abstract class AbstractStartupValidationTests {

	private static final String CREATE_TODOS = "CREATE TABLE todos (id VARCHAR(64) PRIMARY KEY, text VARCHAR(100))";

	protected abstract TestDatabase database();

	/**
	 * Returns whether the database resolves an unquoted table name regardless of its case (folding it to
	 * upper or lower case), rather than treating table names as case-sensitive.
	 * @return whether unquoted names are folded
	 */
	protected boolean foldsUnquotedNames() {
		return true;
	}

	private ApplicationContextRunner runner;

	private String url;

	@BeforeEach
	void prepareDatabase() {
		this.url = database().freshUrl();
		setUp((jdbc) -> {
			jdbc.execute(CREATE_TODOS);
			jdbc.execute("CREATE TABLE keyless (id INT, text VARCHAR(100))");
			jdbc.execute("CREATE TABLE pairs (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b))");
			String quote = jdbc.execute((Connection connection) -> connection.getMetaData().getIdentifierQuoteString());
			jdbc.execute("CREATE TABLE " + quote + "Notes" + quote + " (id INT PRIMARY KEY, text VARCHAR(100))");
		});
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + this.url, "spring.datasource.username=" + database().user(),
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

	@Test
	void aKeyThatDiffersOnlyInCaseFromAnotherStopsTheApplicationNamingBothKeys() {
		this.runner.withPropertyValues("plasma.tables.todos=", "plasma.tables.TODOS=").run((context) -> {
			if (foldsUnquotedNames()) {
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(PlasmaConfigurationException.class)
					.hasMessageContainingAll("tables 'todos' and 'TODOS' declared under plasma.tables are the same table",
							"declare it once");
			}
			else {
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(PlasmaConfigurationException.class)
					.hasMessageContainingAll("table 'TODOS' declared under plasma.tables does not exist",
							"differ only in case: 'todos'");
			}
		});
	}

	@Test
	void aCaseVariantKeyAddedAndRemovedAgainNeverStopsCaptureOfTheTable() {
		this.runner.withPropertyValues("plasma.tables.todos=", "plasma.tables.TODOS=")
			.run((context) -> assertThat(context).hasFailed());
		this.runner.withPropertyValues("plasma.tables.todos=").run((context) -> {
			assertThat(context).hasNotFailed();
			new JdbcTemplate(context.getBean(DataSource.class))
				.update("INSERT INTO todos (id, text) VALUES ('t1', 'written by psql')");

			assertThat(capturedKeys(context)).containsExactly("todos/t1");
		});
	}

	@Test
	void aTableCreatedWithAQuotedMixedCaseNameIsFoundOnlyByThatName() {
		this.runner.withPropertyValues("plasma.tables.Notes=").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(SyncedTables.class).get("Notes").physicalName()).isEqualTo("Notes");
		});
		this.runner.withPropertyValues("plasma.tables.notes=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContainingAll("table 'notes' declared under plasma.tables does not exist",
						"differ only in case: 'Notes'"));
	}

	@Test
	void aMisspelledKeyInATablesEntryStopsTheApplicationNamingTheKeyAndTheKnownOnes() {
		this.runner.withPropertyValues("plasma.tables.todos.change-log-supressed=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessage("Plasma: unknown key 'plasma.tables.todos.change-log-supressed' in the declaration of table "
						+ "'todos' under plasma.tables; the known keys are: change-log-suppressed, files.<column>.immutable, "
						+ "files.<column>.max-size, files.<column>.mime-types, read.column, read.grant, "
						+ "read.user-column."));
	}

	@Test
	void everySpellingOfAKnownKeyIsAccepted() {
		for (String key : new String[] { "change-log-suppressed", "changeLogSuppressed", "change_log_suppressed" }) {
			this.runner.withPropertyValues("plasma.tables.todos." + key + "=true").run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SyncedTables.class).synced()).as(key).isEmpty();
			});
		}
	}

	@Test
	void aTableDroppedAndReCreatedBehindPlasmasBackIsCapturedAgainAtTheNextStart() {
		this.runner.withPropertyValues("plasma.tables.todos=").run((context) -> assertThat(context).hasNotFailed());
		setUp((jdbc) -> {
			jdbc.execute("DROP TABLE todos");
			jdbc.execute(CREATE_TODOS);
			jdbc.update("INSERT INTO todos (id, text) VALUES ('t1', 'written while not captured')");
		});
		this.runner.withPropertyValues("plasma.tables.todos=").run((context) -> {
			assertThat(context).hasNotFailed();
			new JdbcTemplate(context.getBean(DataSource.class))
				.update("INSERT INTO todos (id, text) VALUES ('t2', 'written after the restart')");

			assertThat(capturedKeys(context)).containsExactly("todos/t1", "todos/t2");
		});
	}

	@Test
	void theHealthIndicatorIsDownNamingASyncedTableThatLostItsTriggers() {
		withHealth().withPropertyValues("plasma.tables.todos=", "plasma.tables.pairs=").run((context) -> {
			PlasmaHealthIndicator indicator = context.getBean(PlasmaHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			jdbc.execute("DROP TABLE todos");
			jdbc.execute(CREATE_TODOS);

			Health health = indicator.health();

			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) health.getDetails().get("reason")).contains("'todos'").doesNotContain("'pairs'");
		});
	}

	protected ApplicationContextRunner withHealth() {
		return this.runner
			.withConfiguration(
					AutoConfigurations.of(PlasmaCompactionAutoConfiguration.class, PlasmaHealthAutoConfiguration.class))
			.withPropertyValues("plasma.compaction.cron=-");
	}

	private void setUp(Consumer<JdbcTemplate> statements) {
		try (HikariDataSource setup = database().dataSource(this.url, 1)) {
			statements.accept(new JdbcTemplate(setup));
		}
	}

	protected static List<String> capturedKeys(AssertableApplicationContext context) {
		context.getBean(Sequencer.class).flush();
		return context.getBean(ChangeLog.class)
			.readAfter(0, 100)
			.stream()
			.map((entry) -> entry.tableName() + "/" + entry.rowId())
			.toList();
	}

}
