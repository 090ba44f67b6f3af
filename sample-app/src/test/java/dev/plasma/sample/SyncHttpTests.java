package dev.plasma.sample;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.sample.JsonHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push and pull over real HTTP through the embedded server, on both protocols, including every kind of
 * bad input: each gets a 4xx (or the protocol's own error body) naming the problem, and nothing stored
 * changes.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:sync_http_tests;DB_CLOSE_DELAY=-1",
				"plasma.push.max-body-size=4KB" })
class SyncHttpTests {

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private dev.plasma.sequencer.Sequencer sequencer;

	@LocalServerPort
	private int port;

	@BeforeEach
	void emptyTheTodos() {
		this.jdbc.update("DELETE FROM todos");
	}

	private Response post(String path, String body) throws Exception {
		return JsonHttp.post(this.port, path, body);
	}

	private static String push(String group, String mutations) {
		return "{\"pushVersion\":1,\"clientGroupID\":\"" + group + "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\","
				+ "\"mutations\":[" + mutations + "]}";
	}

	private static String create(String client, long id, String todo) {
		return "{\"clientID\":\"" + client + "\",\"id\":" + id + ",\"name\":\"createTodo\",\"args\":{\"id\":\"" + todo
				+ "\",\"text\":\"" + todo + " text\"},\"timestamp\":1234.5}";
	}

	private static String pull(String group, String cookieJson) {
		return "{\"pullVersion\":1,\"clientGroupID\":\"" + group + "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\","
				+ "\"cookie\":" + cookieJson + "}";
	}

	private String storedState() {
		return this.jdbc.queryForList("SELECT id FROM todos ORDER BY id", String.class) + " "
				+ this.jdbc.queryForList("SELECT client_group_id || '/' || client_id || '=' || last_mutation_id "
						+ "FROM _plasma_client_mutations ORDER BY 1", String.class);
	}

	@Test
	void nativePushThenPullDeliversTheRowWithItsConfirmationAndAStableCookie() throws Exception {
		Response pushed = post("/plasma/push", push("native-g", create("c1", 1, "n1") + "," + create("c1", 2, "n2")));
		Response first = post("/plasma/pull", pull("native-g", "null"));
		String cookie = first.body().get("cookie").stringValue();
		Response again = post("/plasma/pull", pull("native-g", "\"" + cookie + "\""));

		assertThat(pushed.status()).isEqualTo(200);
		assertThat(pushed.body().get("results").get(1).get("outcome").stringValue()).isEqualTo("applied");
		assertThat(first.status()).isEqualTo(200);
		assertThat(cookie).startsWith("c1:");
		assertThat(first.body().get("patch").get(0).get("op").stringValue()).isEqualTo("clear");
		assertThat(first.body().get("patch").toString()).contains("\"key\":\"todos/n1\"").contains("\"text\":\"n1 text\"");
		assertThat(first.body().get("lastMutationIDs").get("c1").longValue()).isEqualTo(2);
		assertThat(again.body().get("cookie").stringValue()).isEqualTo(cookie);
		assertThat(again.body().get("patch")).isEmpty();
		assertThat(again.body().get("hasMore").booleanValue()).isFalse();
	}

	@Test
	void replicachePullAnswersWithAnOrderedCookieAndMutationIdChanges() throws Exception {
		Response pushed = post("/plasma/replicache/push", push("rep-g", create("c1", 1, "r1")));
		Response first = post("/plasma/replicache/pull", pull("rep-g", "null"));
		JsonNode cookie = first.body().get("cookie");
		Response again = post("/plasma/replicache/pull", pull("rep-g", cookie.toString()));
		post("/plasma/replicache/push", push("rep-g", create("c1", 2, "r2")));
		Response later = post("/plasma/replicache/pull", pull("rep-g", cookie.toString()));

		assertThat(pushed.status()).isEqualTo(200);
		assertThat(pushed.body().isObject()).isTrue();
		assertThat(cookie.get("order").isNumber()).isTrue();
		assertThat(cookie.get("c1").stringValue()).startsWith("c1:");
		assertThat(first.body().get("lastMutationIDChanges").get("c1").longValue()).isEqualTo(1);
		assertThat(again.body().get("cookie")).isEqualTo(cookie);
		assertThat(again.body().get("patch")).isEmpty();
		assertThat(again.body().get("lastMutationIDChanges")).isEmpty();
		assertThat(later.body().get("cookie").get("order").longValue()).isGreaterThan(cookie.get("order").longValue());
		assertThat(later.body().get("lastMutationIDChanges").get("c1").longValue()).isEqualTo(2);
	}

	@Test
	void replicacheProtocolErrorsTravelAsHttp200Bodies() throws Exception {
		Response push = post("/plasma/replicache/push", push("rep-e", create("c1", 1, "x")).replace("\"pushVersion\":1", "\"pushVersion\":2"));
		Response pull = post("/plasma/replicache/pull", pull("rep-e", "null").replace("\"pullVersion\":1", "\"pullVersion\":0"));
		Response future = post("/plasma/replicache/pull",
				pull("rep-e", "{\"order\":999999,\"c1\":\"c1:eyIwIjoiOTk5OTk5In0=\"}"));

		assertThat(push.status()).isEqualTo(200);
		assertThat(push.body().toString()).isEqualTo("{\"error\":\"VersionNotSupported\",\"versionType\":\"push\"}");
		assertThat(pull.body().toString()).isEqualTo("{\"error\":\"VersionNotSupported\",\"versionType\":\"pull\"}");
		assertThat(future.status()).isEqualTo(200);
		assertThat(future.body().toString()).isEqualTo("{\"error\":\"ClientStateNotFound\"}");
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM todos", Integer.class)).isZero();
	}

	@Test
	void badInputGetsA4xxNamingTheProblemAndStoresNothing() throws Exception {
		post("/plasma/push", push("bad-g", create("c1", 1, "kept")));
		String before = storedState();
		String validFirst = create("c1", 2, "must-not-land");

		assertBadRequest(post("/plasma/push", "{not json"), "not valid JSON");
		assertBadRequest(post("/plasma/push", "[1,2]"), "must be a JSON object");
		assertBadRequest(post("/plasma/push", push("bad-g", validFirst).replace("\"pushVersion\":1", "\"pushVersion\":2")),
				"unsupported pushVersion 2");
		assertBadRequest(post("/plasma/push", push("bad-g", validFirst).replace("\"clientGroupID\":\"bad-g\",", "")),
				"field 'clientGroupID' is missing");
		assertBadRequest(post("/plasma/push", push("bad-g", validFirst + "," + create("c1", 3, "x").replace("\"id\":3", "\"id\":3.5"))),
				"field 'mutations[1].id' must be an integer");
		assertBadRequest(post("/plasma/push", push("bad-g", validFirst + "," + create("c1", 3, "x").replace("\"id\":3", "\"id\":\"3\""))),
				"field 'mutations[1].id' must be an integer");
		assertBadRequest(post("/plasma/push", push("bad-g", validFirst + ",{\"clientID\":\"c1\",\"id\":3}")),
				"field 'mutations[1].name' is missing");
		assertBadRequest(post("/plasma/push", push("bad-g", "{\"clientID\":\"c1\",\"id\":0,\"name\":\"createTodo\"}")),
				"must be a positive integer");
		assertBadRequest(post("/plasma/pull", pull("bad-g", "\"c1:@@@\"")), "malformed cookie");
		assertBadRequest(post("/plasma/pull", pull("bad-g", "\"v9:abc\"")), "must start with 'c1:'");
		assertBadRequest(post("/plasma/pull", pull("bad-g", "\"c1:eyIxIjoiNSJ9\"")), "region '1'");
		assertBadRequest(post("/plasma/pull", pull("bad-g", "\"c1:eyIwIjoiOTk5OTk5In0=\"")), "cookie is from the future");
		assertBadRequest(post("/plasma/pull", pull("bad-g", "42")), "field 'cookie' must be null or a c1: string");
		assertBadRequest(post("/plasma/replicache/pull", pull("bad-g", "\"c1:eyIwIjoiMCJ9\"")),
				"must be null or an object with a 'c1' string");

		Response tooLarge = post("/plasma/push", push("bad-g", validFirst.replace("must-not-land", "x".repeat(5000))));
		assertThat(tooLarge.status()).isEqualTo(413);
		assertThat(tooLarge.body().get("message").stringValue()).contains("larger than the limit");

		assertThat(storedState()).isEqualTo(before);
	}

	@Test
	void aMutationThatFailsOnTheServerIsConfirmedSoTheClientMovesOn() throws Exception {
		Response pushed = post("/plasma/push", push("fail-g",
				"{\"clientID\":\"c1\",\"id\":1,\"name\":\"createTodo\",\"args\":{\"id\":\"\"}}," + create("c1", 2, "ok")));
		Response pulled = post("/plasma/pull", pull("fail-g", "null"));

		assertThat(pushed.body().get("results").get(0).get("outcome").stringValue()).isEqualTo("failed");
		assertThat(pushed.body().get("results").get(1).get("outcome").stringValue()).isEqualTo("applied");
		assertThat(pulled.body().get("lastMutationIDs").get("c1").longValue()).isEqualTo(2);
	}

	@Test
	void aFullStateLargerThanTheInMemoryLimitArrivesWholeOnBothProtocolsAndLeavesNoTemporaryFile() throws Exception {
		String text = "t".repeat(200);
		java.util.List<Object[]> rows = new java.util.ArrayList<>();
		for (int i = 0; i < 6000; i++) {
			rows.add(new Object[] { "big-" + i, text + i, i });
		}
		this.jdbc.batchUpdate("INSERT INTO todos (id, text, done, created_at) VALUES (?, ?, FALSE, ?)", rows);
		this.sequencer.flush();
		java.util.Set<String> filesBefore = pullFiles();

		Response nativePull = post("/plasma/pull", pull("big-g", "null"));
		Response replicachePull = post("/plasma/replicache/pull", pull("big-g", "null"));

		for (Response response : java.util.List.of(nativePull, replicachePull)) {
			assertThat(response.status()).isEqualTo(200);
			JsonNode patch = response.body().get("patch");
			assertThat(patch).hasSize(6001);
			assertThat(patch.get(0).get("op").stringValue()).isEqualTo("clear");
			java.util.Set<String> keys = new java.util.HashSet<>();
			patch.valueStream().skip(1).forEach((operation) -> {
				assertThat(operation.get("op").stringValue()).isEqualTo("put");
				String id = operation.get("key").stringValue().substring("todos/".length());
				assertThat(operation.get("value").get("text").stringValue()).isEqualTo(text + id.substring(4));
				keys.add(id);
			});
			assertThat(keys).hasSize(6000);
		}
		assertThat(nativePull.body().get("cookie").stringValue()).startsWith("c1:");
		assertThat(nativePull.body().get("hasMore").booleanValue()).isFalse();
		assertThat(replicachePull.body().get("cookie").get("c1").stringValue())
			.isEqualTo(nativePull.body().get("cookie").stringValue());
		assertThat(pullFiles()).isEqualTo(filesBefore);
	}

	private static java.util.Set<String> pullFiles() throws java.io.IOException {
		try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files
			.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))) {
			return files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.startsWith("plasma-pull-"))
				.collect(java.util.stream.Collectors.toSet());
		}
	}

	@Test
	void aDatabaseOutageInAMutatorAnswers503AndRollsTheWholePushBackSoTheRetryRunsAllOfIt() throws Exception {
		SimulatedOutage.remaining.set(1);
		String mutations = create("c1", 1, "before-outage") + ","
				+ "{\"clientID\":\"c1\",\"id\":2,\"name\":\"simulatedOutage\",\"args\":{}}";

		Response failed = post("/plasma/push", push("outage-g", mutations));
		String afterFailure = storedState();
		Response retried = post("/plasma/push", push("outage-g", mutations));

		assertThat(failed.status()).isEqualTo(503);
		assertThat(failed.body().get("error").stringValue()).isEqualTo("Unavailable");
		assertThat(failed.body().get("message").stringValue()).contains("retry");
		assertThat(afterFailure).isEqualTo("[] []");
		assertThat(retried.status()).isEqualTo(200);
		assertThat(retried.body().get("results").get(0).get("outcome").stringValue()).isEqualTo("applied");
		assertThat(retried.body().get("results").get(1).get("outcome").stringValue()).isEqualTo("applied");
		assertThat(storedState()).isEqualTo("[before-outage] [outage-g/c1=2]");
	}

	/**
	 * A mutator that fails like a lost database connection while {@link #remaining} is positive.
	 */
	@org.springframework.boot.test.context.TestConfiguration
	static class SimulatedOutage {

		static final java.util.concurrent.atomic.AtomicInteger remaining = new java.util.concurrent.atomic.AtomicInteger();

		@dev.plasma.mutation.PlasmaMutator("simulatedOutage")
		void simulatedOutage(JsonNode args) {
			if (remaining.getAndDecrement() > 0) {
				throw new org.springframework.dao.DataAccessResourceFailureException("connection lost (simulated)");
			}
		}

	}

	private static void assertBadRequest(Response response, String message) {
		assertThat(response.status()).as(response.body().toString()).isEqualTo(400);
		assertThat(response.body().get("error").stringValue()).isEqualTo("BadRequest");
		assertThat(response.body().get("message").stringValue()).contains(message);
	}

}
