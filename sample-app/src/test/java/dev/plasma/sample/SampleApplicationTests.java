package dev.plasma.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.sequencer.Sequencer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the sample app on embedded H2 with a web server on a random port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.datasource.url=jdbc:h2:mem:sample_app_tests;DB_CLOSE_DELAY=-1")
class SampleApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private Sequencer sequencer;

	@LocalServerPort
	private int port;

	@Test
	void aTodoWrittenWithPlainJdbcReachesTheChangeLogThroughTheBackgroundSequencer() throws Exception {
		this.jdbc.update("INSERT INTO todos (id, text, done, created_at) VALUES (?, ?, ?, ?)", "todo-1", "Buy milk",
				false, 1700000000000L);

		List<Map<String, Object>> entries = awaitChanges("todos", "todo-1");

		assertThat(entries).hasSize(1);
		Map<String, Object> entry = entries.get(0);
		assertThat(entry.get("op")).isEqualTo("put");
		assertThat(entry.get("value"))
			.isEqualTo("{\"id\":\"todo-1\",\"text\":\"Buy milk\",\"done\":false,\"created_at\":1700000000000,\"list_id\":null,\"attachment\":null}");
		assertThat(entry.get("client_group_id")).isNull();
		assertThat(entry.get("mutation_id")).isNull();
	}

	@Test
	void aDraftIsNeverCaptured() {
		this.jdbc.update("INSERT INTO drafts (id, text) VALUES (?, ?)", "draft-1", "half a thought");
		this.jdbc.update("UPDATE drafts SET text = ? WHERE id = ?", "a whole thought", "draft-1");
		this.jdbc.update("INSERT INTO todos (id, text, done, created_at) VALUES (?, ?, ?, ?)", "todo-after-draft",
				"Written after the draft", false, 1700000000001L);

		awaitChanges("todos", "todo-after-draft");
		this.sequencer.flush();

		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_changes WHERE table_name = 'drafts'",
				Long.class)).isZero();
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_pending_changes WHERE table_name = 'drafts'",
				Long.class)).isZero();
	}

	@Test
	void getTodosListsEveryRowToAdminAndTheRowsOfTheirListsToAUserAndNeedsCredentials() throws Exception {
		this.jdbc.update("INSERT INTO lists (id, name, owner) VALUES ('bobs', 'Bob''s', 'bob')");
		this.jdbc.update("INSERT INTO todos (id, list_id, text, done, created_at) VALUES (?, ?, ?, ?, ?)", "todo-listed",
				"bobs", "Look at me", true, 1700000000002L);
		String row = "{\"id\":\"todo-listed\",\"text\":\"Look at me\",\"done\":true,\"createdAt\":1700000000002}";

		assertThat(getTodos("admin").body()).contains(row);
		assertThat(getTodos("bob").body()).contains(row);
		assertThat(getTodos("alice").body()).doesNotContain("todo-listed");
		assertThat(getTodos(null).statusCode()).isEqualTo(401);
	}

	private HttpResponse<String> getTodos(String user) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/todos"));
		if (user != null) {
			request.header("Authorization", JsonHttp.basic(user, user));
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private List<Map<String, Object>> awaitChanges(String table, String rowId) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			List<Map<String, Object>> entries = this.jdbc.queryForList(
					"SELECT * FROM _plasma_changes WHERE table_name = ? AND row_id = ? ORDER BY row_version",
					table, rowId);
			if (!entries.isEmpty()) {
				return entries;
			}
			assertThat(System.nanoTime()).as("an entry for %s/%s within %s", table, rowId, WAIT).isLessThan(deadline);
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

}
