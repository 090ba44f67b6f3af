package dev.plasma.sample;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
				"plasma.web.max-push-body-size=4KB", "plasma.web.max-pull-body-size=1KB", "plasma.push.max-mutations=5",
				"plasma.accepted-schema-versions=1" })
@ExtendWith(OutputCaptureExtension.class)
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
		this.jdbc.update("DELETE FROM list_members");
		this.jdbc.update("DELETE FROM lists");
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

	private String storedState(String group) {
		return this.jdbc.queryForList("SELECT id FROM todos ORDER BY id", String.class) + " "
				+ this.jdbc.queryForList("SELECT client_group_id || '/' || client_id || '=' || last_mutation_id "
						+ "FROM _plasma_client_mutations WHERE client_group_id = ? ORDER BY 1", String.class, group);
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
		String before = storedState("bad-g");
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

		assertThat(storedState("bad-g")).isEqualTo(before);
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
		this.jdbc.update("INSERT INTO lists (id, name, owner) VALUES ('big-list', 'Big', ?)", JsonHttp.USER);
		this.jdbc.batchUpdate("INSERT INTO todos (id, text, done, created_at, list_id) VALUES (?, ?, FALSE, ?, 'big-list')",
				rows);
		this.sequencer.flush();
		java.util.Set<String> filesBefore = pullFiles();

		Response nativePull = post("/plasma/pull", pull("big-g", "null"));
		Response replicachePull = post("/plasma/replicache/pull", pull("big-g", "null"));

		for (Response response : java.util.List.of(nativePull, replicachePull)) {
			assertThat(response.status()).isEqualTo(200);
			JsonNode patch = response.body().get("patch");
			assertThat(patch).hasSize(6002);
			assertThat(patch.get(0).get("op").stringValue()).isEqualTo("clear");
			assertThat(patch.get(1).get("key").stringValue()).isEqualTo("lists/big-list");
			java.util.Set<String> keys = new java.util.HashSet<>();
			patch.valueStream().skip(2).forEach((operation) -> {
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
		String afterFailure = storedState("outage-g");
		Response retried = post("/plasma/push", push("outage-g", mutations));

		assertThat(failed.status()).isEqualTo(503);
		assertThat(failed.header("Retry-After")).isNotNull();
		assertThat(failed.body().get("error").stringValue()).isEqualTo("Unavailable");
		assertThat(failed.body().get("message").stringValue()).contains("retry");
		assertThat(afterFailure).isEqualTo("[] []");
		assertThat(retried.status()).isEqualTo(200);
		assertThat(retried.body().get("results").get(0).get("outcome").stringValue()).isEqualTo("applied");
		assertThat(retried.body().get("results").get(1).get("outcome").stringValue()).isEqualTo("applied");
		assertThat(storedState("outage-g")).isEqualTo("[before-outage] [outage-g/c1=2]");
	}

	@Test
	void aMissingOrNullSchemaVersionIsAnsweredLikeAnUnsupportedOne() throws Exception {
		String withoutVersion = push("schema-g", create("c1", 1, "s1")).replace("\"schemaVersion\":\"1\",", "");
		String nullVersion = push("schema-g", create("c1", 1, "s1")).replace("\"schemaVersion\":\"1\"", "\"schemaVersion\":null");
		String pullWithout = pull("schema-g", "null").replace("\"schemaVersion\":\"1\",", "");

		assertBadRequest(post("/plasma/push", withoutVersion), "schemaVersion");
		assertBadRequest(post("/plasma/push", nullVersion), "schemaVersion");
		assertBadRequest(post("/plasma/pull", pullWithout), "schemaVersion");
		for (Response replicache : java.util.List.of(post("/plasma/replicache/push", withoutVersion),
				post("/plasma/replicache/push", nullVersion), post("/plasma/replicache/pull", pullWithout))) {
			assertThat(replicache.status()).isEqualTo(200);
			assertThat(replicache.body().toString())
				.isEqualTo("{\"error\":\"VersionNotSupported\",\"versionType\":\"schema\"}");
		}
		assertThat(storedState("schema-g")).isEqualTo("[] []");
	}

	@Test
	void clientAndGroupIdsWithControlCharactersAre400AndStoreNothing() throws Exception {
		assertBadRequest(post("/plasma/push", push("g\\u0000", create("c1", 1, "x"))), "'clientGroupID' holds a control character (U+0000");
		assertBadRequest(post("/plasma/push", push("ids-g", create("c\\u0000", 1, "x"))),
				"'mutations[0].clientID' holds a control character (U+0000");
		assertBadRequest(post("/plasma/push", push("ids-g", create("c1\\nFORGED", 1, "x"))), "(U+000A at index 2)");
		assertBadRequest(post("/plasma/replicache/push", push("ids-g", create("c\\u0007", 1, "x"))), "control character");
		assertBadRequest(post("/plasma/pull", pull("g\\u0000", "null")), "'clientGroupID' holds a control character");
		assertBadRequest(post("/plasma/push", push("ids-g", create("c".repeat(256), 1, "x"))), "longer than 255");

		assertThat(storedState("ids-g")).isEqualTo("[] []");
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_client_mutations WHERE client_group_id LIKE 'g%'",
				Integer.class)).isZero();
	}

	@Test
	void textWithALoneSurrogateIsRefusedWhileAPairedOneRoundTrips() throws Exception {
		Response lone = post("/plasma/push", push("text-g", create("c1", 1, "t1").replace("t1 text", "a\\ud800b")));
		Response loneKey = post("/plasma/replicache/push", push("text-g", create("c1", 1, "t1").replace("\"text\"", "\"\\udc00\"")));
		Response paired = post("/plasma/push", push("text-g", create("c1", 1, "t2").replace("t2 text", "smile \\ud83d\\ude00")));

		assertBadRequest(lone, "field 'mutations[0].args.text' holds a value with a lone UTF-16 surrogate (U+D800 at index 1)");
		assertBadRequest(loneKey, "surrogate");
		assertThat(paired.body().get("results").get(0).get("outcome").stringValue()).isEqualTo("applied");
		assertThat(this.jdbc.queryForObject("SELECT text FROM todos WHERE id = 't2'", String.class))
			.isEqualTo("smile \ud83d\ude00");
		assertThat(storedState("text-g")).isEqualTo("[t2] [text-g/c1=1]");
	}

	@Test
	void aBodyNotDeclaredAsJsonIs415AndGetIs405AllowingPost() throws Exception {
		String body = push("type-g", create("c1", 1, "x"));
		for (String path : java.util.List.of("/plasma/push", "/plasma/pull", "/plasma/replicache/push", "/plasma/replicache/pull")) {
			Response text = JsonHttp.sendWithHeaders(this.port, "POST", path, body, "Content-Type", "text/plain");
			Response form = JsonHttp.sendWithHeaders(this.port, "POST", path, body, "Content-Type",
					"application/x-www-form-urlencoded");
			Response none = JsonHttp.sendWithHeaders(this.port, "POST", path, body);
			Response get = JsonHttp.send(this.port, "GET", path, null);

			for (Response unsupported : java.util.List.of(text, form, none)) {
				assertThat(unsupported.status()).as(path).isEqualTo(415);
				assertThat(unsupported.body().get("error").stringValue()).isEqualTo("UnsupportedMediaType");
			}
			assertThat(get.status()).as(path).isEqualTo(405);
			assertThat(get.header("Allow")).isEqualTo("POST");
		}
		assertThat(JsonHttp.sendWithHeaders(this.port, "POST", "/plasma/push", body, "Content-Type",
				"application/json; charset=utf-8").status()).isEqualTo(200);
		assertThat(storedState("type-g")).isEqualTo("[x] [type-g/c1=1]");
	}

	@Test
	void aNativePushWithMoreMutationsThanTheLimitIs413AndRunsNone() throws Exception {
		Response tooMany = post("/plasma/push", push("many-g", creates(1, 6)));

		assertThat(tooMany.status()).isEqualTo(413);
		assertThat(tooMany.body().get("message").stringValue())
			.contains("6 mutations, more than the limit of 5 (plasma.push.max-mutations)");
		assertThat(storedState("many-g")).isEqualTo("[] []");
	}

	@Test
	void aReplicachePushWithMoreMutationsThanTheLimitRunsTheFirstOnesAndTheNextPushTheRest() throws Exception {
		Response first = post("/plasma/replicache/push", push("many-r", creates(1, 7)));

		assertThat(first.status()).isEqualTo(200);
		assertThat(storedState("many-r")).isEqualTo("[m1, m2, m3, m4, m5] [many-r/c1=5]");

		Response resent = post("/plasma/replicache/push", push("many-r", creates(6, 7)));

		assertThat(resent.status()).isEqualTo(200);
		assertThat(storedState("many-r")).isEqualTo("[m1, m2, m3, m4, m5, m6, m7] [many-r/c1=7]");
	}

	private static String creates(int from, int to) {
		StringBuilder mutations = new StringBuilder();
		for (int i = from; i <= to; i++) {
			mutations.append(i > from ? "," : "").append(create("c1", i, "m" + i));
		}
		return mutations.toString();
	}

	@Test
	void aPullBodyHasItsOwnSizeLimit() throws Exception {
		String padding = "p".repeat(1500);
		Response pulled = post("/plasma/pull", pull("size-g", "null").replace("\"profileID\":\"p1\"", "\"profileID\":\"" + padding + "\""));
		Response pushed = post("/plasma/push", push("size-g", create("c1", 1, "s")).replace("\"profileID\":\"p1\"", "\"profileID\":\"" + padding + "\""));

		assertThat(pulled.status()).isEqualTo(413);
		assertThat(pulled.body().get("message").stringValue()).contains("limit of 1024 bytes (plasma.web.max-pull-body-size)");
		assertThat(pushed.status()).as("a push of the same size is within its own limit").isEqualTo(200);
	}

	@Test
	void aDatabaseFailureIsLoggedWithTheClientsTextEscapedOnOneLine(CapturedOutput output) throws Exception {
		SimulatedOutage.remaining.set(1);
		String mutation = "{\"clientID\":\"c1\",\"id\":1,\"name\":\"simulatedOutage\","
				+ "\"args\":{\"detail\":\"x\\n2030-01-01 ERROR FORGED by the client\"}}";

		Response failed = post("/plasma/push", push("log-g", mutation));

		assertThat(failed.status()).isEqualTo(503);
		assertThat(output.getAll()).contains("connection lost (simulated) x\\n2030-01-01 ERROR FORGED")
			.doesNotContainPattern("(?m)^2030-01-01 ERROR FORGED");
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
				throw new org.springframework.dao.DataAccessResourceFailureException(
						"connection lost (simulated) " + args.path("detail").asString(""));
			}
		}

	}

	private static void assertBadRequest(Response response, String message) {
		assertThat(response.status()).as(response.body().toString()).isEqualTo(400);
		assertThat(response.body().get("error").stringValue()).isEqualTo("BadRequest");
		assertThat(response.body().get("message").stringValue()).contains(message);
	}

}
