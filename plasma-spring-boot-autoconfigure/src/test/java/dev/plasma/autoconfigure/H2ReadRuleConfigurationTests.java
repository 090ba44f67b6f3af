package dev.plasma.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.access.GrantResolver;
import dev.plasma.access.ReadRules;
import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PullResult;
import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The declarative read rules bind from {@code plasma.access.grants} and {@code plasma.tables.<t>.read},
 * typos under {@code read} stop the start, and a {@link GrantResolver} bean serves a named grant.
 */
@OnDatabase(TestDatabase.H2)
class H2ReadRuleConfigurationTests {

	private ApplicationContextRunner runner;

	@BeforeEach
	void prepareDatabase() {
		String url = TestDatabase.H2.freshUrl();
		try (HikariDataSource setup = TestDatabase.H2.dataSource(url, 1)) {
			JdbcTemplate jdbc = new JdbcTemplate(setup);
			jdbc.execute("CREATE TABLE lists (id INT PRIMARY KEY, owner VARCHAR(64) NOT NULL)");
			jdbc.execute("CREATE TABLE list_members (list_id INT NOT NULL, user_name VARCHAR(64) NOT NULL, "
					+ "PRIMARY KEY (list_id, user_name))");
			jdbc.execute("CREATE TABLE todos (id INT PRIMARY KEY, list_id INT NOT NULL)");
			jdbc.execute("CREATE TABLE notes (id INT PRIMARY KEY, owner VARCHAR(64))");
			jdbc.execute("INSERT INTO lists VALUES (1, 'anonymous'), (2, 'bob')");
			jdbc.execute("INSERT INTO todos VALUES (10, 1), (20, 2)");
			jdbc.execute("INSERT INTO notes VALUES (1, 'anonymous'), (2, 'bob')");
		}
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PlasmaSchemaAutoConfiguration.class,
					PlasmaAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=sa",
					"spring.datasource.password=", "plasma.sequencer.enabled=false",
					"plasma.access.grants.lists[0].table=lists", "plasma.access.grants.lists[0].value-column=id",
					"plasma.access.grants.lists[0].user-column=owner",
					"plasma.access.grants.lists[1].table=list_members",
					"plasma.access.grants.lists[1].value-column=list_id",
					"plasma.access.grants.lists[1].user-column=user_name", "plasma.tables.lists.read.column=id",
					"plasma.tables.lists.read.grant=lists", "plasma.tables.list_members.read.column=list_id",
					"plasma.tables.list_members.read.grant=lists", "plasma.tables.todos.read.column=list_id",
					"plasma.tables.todos.read.grant=lists", "plasma.tables.notes.read.user-column=owner");
	}

	@Test
	void theDeclarativeFormBindsAndTheAnonymousUserReadsItsOwnRows() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ReadRules.class).rules()).hasSize(4);
			PullResult result = context.getBean(PullProcessor.class).pull("g1", ReadRules.ANONYMOUS_USER, null);
			assertThat(result.patch()).extracting((op) -> op.key())
				.containsExactlyInAnyOrder(null, "lists/1", "todos/10", "notes/1");
		});
	}

	@Test
	void aMisspelledKeyUnderReadStopsTheStart() {
		this.runner.withPropertyValues("plasma.tables.notes.read.user-colum=owner")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("unknown key 'plasma.tables.notes.read.user-colum'")
				.hasMessageContaining("read.user-column"));
	}

	@Test
	void aGrantResolverBeanServesANamedGrant() {
		this.runner.withUserConfiguration(EvenLists.class)
			.withPropertyValues("plasma.tables.todos.read.grant=even")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PullResult result = context.getBean(PullProcessor.class).pull("g1", ReadRules.ANONYMOUS_USER, null);
				assertThat(result.patch()).extracting((op) -> op.key()).contains("todos/20").doesNotContain("todos/10");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class EvenLists {

		@Bean
		GrantResolver evenLists() {
			return new GrantResolver() {

				@Override
				public String grant() {
					return "even";
				}

				@Override
				public java.util.Collection<String> resolve(java.sql.Connection connection, String userName) {
					return java.util.List.of("2");
				}

			};
		}

	}

}
