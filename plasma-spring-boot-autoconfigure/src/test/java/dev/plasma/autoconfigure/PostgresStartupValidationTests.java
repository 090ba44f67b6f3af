package dev.plasma.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.actuate.PlasmaHealthIndicator;
import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

@OnDatabase(TestDatabase.POSTGRESQL)
class PostgresStartupValidationTests extends AbstractStartupValidationTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

	@Test
	void aDisabledCaptureTriggerIsReportedDownAndEnabledAgainAtTheNextStart() {
		withHealth().withPropertyValues("plasma.tables.todos=").run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			jdbc.execute("ALTER TABLE todos DISABLE TRIGGER plasma_capture");

			Health health = context.getBean(PlasmaHealthIndicator.class).health();

			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("tablesWithoutCapture", List.of("todos"));
		});
		withHealth().withPropertyValues("plasma.tables.todos=").run((context) -> {
			new JdbcTemplate(context.getBean(DataSource.class)).update("INSERT INTO todos (id, text) VALUES ('t1', 'x')");

			assertThat(capturedKeys(context)).containsExactly("todos/t1");
			assertThat(context.getBean(PlasmaHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
		});
	}

}
