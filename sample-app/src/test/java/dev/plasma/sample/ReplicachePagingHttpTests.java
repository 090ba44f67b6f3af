package dev.plasma.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backlog larger than {@code plasma.pull.max-changes} on the Replicache adapter, over real HTTP: each page
 * but the last sets {@code plasma:hasMore}, the last deletes it, and the pages together deliver every row.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:replicache_paging_tests;DB_CLOSE_DELAY=-1",
				"plasma.pull.max-changes=3" })
class ReplicachePagingHttpTests {

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private dev.plasma.sequencer.Sequencer sequencer;

	@LocalServerPort
	private int port;

	private JsonNode pull(JsonNode cookie) throws Exception {
		JsonHttp.Response response = JsonHttp.post(this.port, "/plasma/replicache/pull",
				"{\"pullVersion\":1,\"clientGroupID\":\"paging-g\",\"profileID\":\"p\",\"schemaVersion\":\"1\","
						+ "\"cookie\":" + cookie + "}");
		assertThat(response.status()).isEqualTo(200);
		return response.body();
	}

	@Test
	void eachPageButTheLastSaysMoreIsWaitingAndTheLastClearsIt() throws Exception {
		this.jdbc.update("INSERT INTO lists (id, name, owner) VALUES ('paging-list', 'Paged', ?)", JsonHttp.USER);
		this.sequencer.flush();
		JsonNode cookie = pull(JsonHttp.JSON.nullNode()).get("cookie");
		for (int i = 0; i < 10; i++) {
			this.jdbc.update("INSERT INTO todos (id, text, done, created_at, list_id) VALUES (?, 'paged', FALSE, ?, 'paging-list')",
					"p" + i, i);
		}
		this.sequencer.flush();
		List<String> lastOperations = new ArrayList<>();
		List<Boolean> cookiesSayMore = new ArrayList<>();
		TreeSet<String> rows = new TreeSet<>();
		for (int page = 0; page < 10; page++) {
			JsonNode answer = pull(cookie);
			JsonNode patch = answer.get("patch");
			JsonNode last = patch.get(patch.size() - 1);
			lastOperations.add(last.get("op").stringValue() + " " + last.get("key").stringValue());
			patch.valueStream()
				.filter((operation) -> operation.get("key").stringValue().startsWith("todos/"))
				.forEach((operation) -> rows.add(operation.get("key").stringValue()));
			assertThat(answer.get("cookie").get("order").longValue()).isGreaterThan(cookie.get("order").longValue());
			cookie = answer.get("cookie");
			cookiesSayMore.add(cookie.path("more").asBoolean(false));
			if (last.get("op").stringValue().equals("del")) {
				break;
			}
			assertThat(last.get("value").longValue()).isEqualTo(cookie.get("order").longValue());
		}
		JsonNode caughtUp = pull(cookie);

		assertThat(lastOperations).hasSize(4)
			.containsExactly("put plasma:hasMore", "put plasma:hasMore", "put plasma:hasMore", "del plasma:hasMore");
		assertThat(cookiesSayMore).containsExactly(true, true, true, false);
		assertThat(rows).hasSize(10).contains("todos/p0", "todos/p9");
		assertThat(caughtUp.get("cookie")).isEqualTo(cookie);
		assertThat(caughtUp.get("patch")).isEmpty();
	}

}
