package dev.plasma.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark baseline {@code POST /plain/todos} on embedded H2: it inserts the same row as
 * {@code createTodo}, records no mutation, and rejects bad or duplicate input without storing anything.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.datasource.url=jdbc:h2:mem:plain_todo_tests;DB_CLOSE_DELAY=-1")
class PlainTodoControllerTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	private JdbcTemplate jdbc;

	@LocalServerPort
	private int port;

	private HttpResponse<String> post(String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/plain/todos"))
			.header("Content-Type", "application/json")
			.header("Authorization", JsonHttp.basic("bob", "bob"))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void insertsTheSameRowAsCreateTodoWithoutTouchingTheLedger() throws Exception {
		long before = System.currentTimeMillis();

		HttpResponse<String> response = post("{\"id\":\"plain-1\",\"text\":\"Plain insert\"}");

		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(response.body()).isEqualTo("{\"id\":\"plain-1\"}");
		List<Map<String, Object>> rows = this.jdbc.queryForList("SELECT * FROM todos WHERE id = 'plain-1'");
		assertThat(rows).hasSize(1);
		Map<String, Object> row = rows.get(0);
		assertThat(row.get("TEXT")).isEqualTo("Plain insert");
		assertThat(row.get("DONE")).isEqualTo(false);
		assertThat((Long) row.get("CREATED_AT")).isBetween(before, System.currentTimeMillis());
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_client_mutations", Long.class)).isZero();
	}

	@Test
	void aDuplicateIdIsAConflictAndKeepsTheFirstRow() throws Exception {
		assertThat(post("{\"id\":\"plain-dup\",\"text\":\"first\"}").statusCode()).isEqualTo(201);

		HttpResponse<String> again = post("{\"id\":\"plain-dup\",\"text\":\"second\"}");

		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(this.jdbc.queryForObject("SELECT text FROM todos WHERE id = 'plain-dup'", String.class))
			.isEqualTo("first");
	}

	@Test
	void aMissingIdOrTextIsABadRequestAndStoresNothing() throws Exception {
		long count = this.jdbc.queryForObject("SELECT COUNT(*) FROM todos", Long.class);

		assertThat(post("{\"text\":\"no id\"}").statusCode()).isEqualTo(400);
		assertThat(post("{\"id\":\"plain-no-text\"}").statusCode()).isEqualTo(400);
		assertThat(post("{\"id\":\" \",\"text\":\"blank id\"}").statusCode()).isEqualTo(400);

		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM todos", Long.class)).isEqualTo(count);
	}

}
