package dev.plasma.region;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.schema.PlasmaSchemaInitializer;
import dev.plasma.schema.SyncedTables;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.PatchOperation;
import dev.plasma.sync.PullResult;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static dev.plasma.testsupport.PlasmaFixture.synced;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An existing single-region deployment upgrades in place: the schema of the previous release (Plasma's
 * changelog without the regions change set) holding sequenced entries, a confirmation and a pending entry
 * becomes region "0", and old cookies keep pulling exactly what they lacked.
 */
public abstract class AbstractRegionUpgradeTests {

	protected abstract TestDatabase database();

	private HikariDataSource dataSource;

	@AfterEach
	void tearDown() {
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

	@Test
	void aDatabaseOfThePreviousSchemaUpgradesToRegionZeroAndOldCookiesKeepWorking(@TempDir Path previous)
			throws Exception {
		this.dataSource = database().create(4);
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		new PlasmaSchemaInitializer(this.dataSource, previousRelease(previous)).initialize();
		assertThat(jdbc.queryForList("SELECT id FROM _plasma_sequencer", Integer.class)).containsExactly(1);
		jdbc.execute("CREATE TABLE items (id VARCHAR(64) PRIMARY KEY, v VARCHAR(200) NOT NULL)");
		for (int version = 1; version <= 3; version++) {
			jdbc.update("INSERT INTO _plasma_changes (row_version, table_name, row_id, op, " + valueColumn()
					+ ", created_at) VALUES (?, 'items', ?, 'put', ?, 0)", version, "r" + version,
					"{\"id\":\"r" + version + "\",\"v\":\"old\"}");
		}
		jdbc.update("INSERT INTO _plasma_changes (row_version, table_name, row_id, op, " + valueColumn()
				+ ", created_at, client_group_id, client_id, mutation_id) VALUES (4, '_plasma_client_mutations', 'g/c', 'put',"
				+ " '{\"lastMutationID\":7}', 0, 'g', 'c', 7)");
		jdbc.update("UPDATE _plasma_sequencer SET head = 4");
		jdbc.update("INSERT INTO _plasma_client_confirmations (client_group_id, client_id, mutation_id, row_version)"
				+ " VALUES ('g', 'c', 7, 4)");
		jdbc.update("INSERT INTO _plasma_pending_changes (table_name, row_id, op, " + valueColumn()
				+ ", created_at) VALUES ('items', 'r1', 'put', '{\"id\":\"r1\",\"v\":\"pending\"}', 0)");

		PlasmaFixture plasma = new PlasmaFixture(this.dataSource);

		assertThat(jdbc.queryForList("SELECT DISTINCT region FROM _plasma_changes", String.class)).containsExactly("0");
		assertThat(jdbc.queryForList("SELECT DISTINCT batch_order FROM _plasma_changes", Long.class)).containsExactly(0L);
		assertThat(jdbc.queryForMap("SELECT region, head FROM _plasma_sequencer")).containsEntry("head", 4L);
		assertThat(jdbc.queryForObject("SELECT region FROM _plasma_client_confirmations", String.class)).isEqualTo("0");
		jdbc.update("INSERT INTO items (id, v) VALUES ('r1', 'pending'), ('r2', 'old'), ('r3', 'old')");
		jdbc.update("DELETE FROM _plasma_pending_changes");
		jdbc.update("INSERT INTO _plasma_pending_changes (table_name, row_id, op, " + valueColumn()
				+ ", created_at) VALUES ('items', 'r1', 'put', '{\"id\":\"r1\",\"v\":\"pending\"}', 0)");
		assertThat(plasma.sequencer.flush()).isEqualTo(5);
		assertThat(jdbc.queryForObject("SELECT batch_order FROM _plasma_changes WHERE row_version = 5", Long.class))
			.isPositive();

		SyncedTables tables = plasma.install(synced("items"));
		plasma.sequencer.flush();
		PullResult result = plasma.pullProcessor(tables, 100).pull("g", "u", Cookie.parse(Cookie.encode(1)));
		assertThat(result.reset()).isFalse();
		assertThat(result.lastMutationIds()).containsEntry("c", 7L);
		Map<String, String> patch = new java.util.TreeMap<>();
		for (PatchOperation operation : result.patch()) {
			patch.put(operation.key(), operation.value());
		}
		assertThat(patch).containsEntry("items/r1", "{\"id\":\"r1\",\"v\":\"pending\"}")
			.containsEntry("items/r3", "{\"id\":\"r3\",\"v\":\"old\"}");
		assertThat(result.cursors()).containsOnlyKeys("0").containsEntry("0", plasma.sequencer.head());
	}

	private String valueColumn() {
		return (database() == TestDatabase.H2) ? "\"VALUE\"" : "value";
	}

	/**
	 * Returns a resource loader that finds Plasma's changelog as the previous release had it: without the
	 * regions change set.
	 */
	private static DefaultResourceLoader previousRelease(Path directory) throws Exception {
		String changelog;
		try (InputStream in = AbstractRegionUpgradeTests.class
			.getResourceAsStream("/db/changelog/plasma/plasma-changelog.xml")) {
			changelog = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		int start = changelog.indexOf("  <changeSet id=\"plasma-6-regions\"");
		int end = changelog.indexOf("</changeSet>", start) + "</changeSet>".length();
		assertThat(start).isPositive();
		Path file = directory.resolve("db/changelog/plasma/plasma-changelog.xml");
		Files.createDirectories(file.getParent());
		Files.writeString(file, changelog.substring(0, start) + changelog.substring(end));
		URLClassLoader loader = new URLClassLoader(new URL[] { directory.toUri().toURL() }, null);
		return new DefaultResourceLoader(loader);
	}

}
