package dev.plasma.sample;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.plasma.sample.JsonHttp.Response;
import dev.plasma.sync.Cookie;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plasma's metrics, the {@code plasma} endpoint and the {@code plasma} health indicator as the sample app
 * exposes them, over real HTTP through the embedded server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.datasource.url=jdbc:h2:mem:actuator_http_tests;DB_CLOSE_DELAY=-1")
class ActuatorHttpTests {

	private static final List<String> METERS = List.of("plasma.compaction.runs", "plasma.compaction.duration",
			"plasma.compaction.removed", "plasma.compaction.floor", "plasma.compaction.last.success",
			"plasma.changelog.entries", "plasma.changelog.head", "plasma.sequencer.pending", "plasma.push.mutations",
			"plasma.pull.requests", "plasma.push.duration", "plasma.pull.duration", "plasma.push.failures",
			"plasma.access.denied", "plasma.clients.groups", "plasma.clients.cleanup.deleted",
			"plasma.clients.cleanup.last.run");

	@LocalServerPort
	private int port;

	private Response send(String method, String path, String body) throws Exception {
		return JsonHttp.sendAs("admin", this.port, method, path, body);
	}

	private static String push(String mutations) {
		return "{\"pushVersion\":1,\"clientGroupID\":\"actuator-g\",\"profileID\":\"p\",\"schemaVersion\":\"1\","
				+ "\"mutations\":[" + mutations + "]}";
	}

	private static String mutation(long id, String name, String args) {
		return "{\"clientID\":\"c1\",\"id\":" + id + ",\"name\":\"" + name + "\",\"args\":" + args + "}";
	}

	private static String pull(String cookie) {
		return "{\"pullVersion\":1,\"clientGroupID\":\"actuator-g\",\"profileID\":\"p\",\"schemaVersion\":\"1\","
				+ "\"cookie\":" + cookie + "}";
	}

	@Test
	void everyPlasmaMeterIsListedAndReadable() throws Exception {
		Response names = send("GET", "/actuator/metrics", null);

		assertThat(names.status()).isEqualTo(200);
		List<String> listed = names.body().get("names").valueStream().map(JsonNode::stringValue).toList();
		assertThat(listed).containsAll(METERS);
		for (String meter : METERS) {
			Response read = send("GET", "/actuator/metrics/" + meter, null);
			assertThat(read.status()).as(meter).isEqualTo(200);
			assertThat(read.body().get("name").stringValue()).isEqualTo(meter);
			assertThat(read.body().get("measurements")).as(meter).isNotEmpty();
		}
		Response runs = send("GET", "/actuator/metrics/plasma.compaction.runs", null);
		assertThat(runs.body().get("availableTags").toString()).contains("\"tag\":\"outcome\"")
			.contains("success")
			.contains("failure");
	}

	@Test
	void theEndpointCompactsOnWriteAndReportsTheNewFloorMetricsAndHealthAndOldCookiesGetAReset() throws Exception {
		assertThat(send("POST", "/plasma/push", push(mutation(1, "createTodo", "{\"id\":\"a1\",\"text\":\"one\"}") + ","
				+ mutation(2, "updateTodo", "{\"id\":\"a1\",\"done\":true}"))).status()).isEqualTo(200);
		Response nativeEarly = send("POST", "/plasma/pull", pull("null"));
		Response replicacheEarly = send("POST", "/plasma/replicache/pull", pull("null"));
		assertThat(send("POST", "/plasma/push", push(mutation(3, "createTodo", "{\"id\":\"a2\",\"text\":\"two\"}") + ","
				+ mutation(4, "deleteTodo", "{\"id\":\"a1\"}"))).body().toString()).doesNotContain("failed");
		Response before = send("GET", "/actuator/plasma", null);
		long head = before.body().get("head").longValue();

		Response compacted = send("POST", "/actuator/plasma", "{\"safeUpToVersion\":" + head + "}");
		Response after = send("GET", "/actuator/plasma", null);
		Response successes = send("GET", "/actuator/metrics/plasma.compaction.runs?tag=outcome:success", null);
		Response floor = send("GET", "/actuator/metrics/plasma.compaction.floor", null);
		Response health = send("GET", "/actuator/health", null);
		Response nativeLate = send("POST", "/plasma/pull", pull("\"" + nativeEarly.body().get("cookie").stringValue() + "\""));
		Response replicacheLate = send("POST", "/plasma/replicache/pull", pull(replicacheEarly.body().get("cookie").toString()));

		assertThat(head).isGreaterThanOrEqualTo(4);
		assertThat(compacted.status()).isEqualTo(200);
		assertThat(compacted.body().get("status").stringValue()).isEqualTo("compacted");
		assertThat(compacted.body().get("result").get("upToVersion").longValue()).isEqualTo(head);
		assertThat(compacted.body().get("result").get("removed").longValue()).isPositive();
		assertThat(after.body().get("floor").longValue()).isEqualTo(head);
		assertThat(after.body().get("entries").longValue()).isLessThan(before.body().get("entries").longValue());
		assertThat(after.body().get("compaction").get("lastResult").get("upToVersion").longValue()).isEqualTo(head);
		assertThat(successes.body().get("measurements").get(0).get("value").doubleValue()).isGreaterThanOrEqualTo(1);
		assertThat(floor.body().get("measurements").get(0).get("value").doubleValue()).isEqualTo(head);
		assertThat(health.body().get("components").get("plasma").get("status").stringValue()).isEqualTo("UP");
		for (Response late : List.of(nativeLate, replicacheLate)) {
			assertThat(late.status()).isEqualTo(200);
			String patch = late.body().get("patch").toString();
			assertThat(late.body().get("patch").get(0).get("op").stringValue())
				.as("a cookie below the floor gets a reset: %s", patch).isEqualTo("clear");
			assertThat(patch).contains("\"key\":\"todos/a2\"").doesNotContain("todos/a1");
		}
		assertThat(Cookie.decode(nativeLate.body().get("cookie").stringValue())).isEqualTo(head);
		assertThat(replicacheLate.body().get("cookie").get("order").longValue()).isEqualTo(head);
	}

	@Test
	void compactionRefusesANegativeVersionAndOneBeyondTheHeadAndGoesToTheHeadOnlyWhenAskedFor() throws Exception {
		assertThat(send("POST", "/plasma/push", push(mutation(1, "createTodo", "{\"id\":\"h1\",\"text\":\"one\"}"))
			.replace("actuator-g", "head-g")).status()).isEqualTo(200);
		JsonNode before = send("GET", "/actuator/plasma", null).body();
		long head = before.get("head").longValue();

		Response negative = send("POST", "/actuator/plasma", "{\"safeUpToVersion\":-1}");
		Response beyond = send("POST", "/actuator/plasma", "{\"safeUpToVersion\":" + (head + 1) + "}");
		Response word = send("POST", "/actuator/plasma", "{\"safeUpToVersion\":\"everything\"}");
		JsonNode untouched = send("GET", "/actuator/plasma", null).body();
		Response toHead = send("POST", "/actuator/plasma", "{\"safeUpToVersion\":\"head\"}");

		assertThat(negative.status()).isEqualTo(400);
		assertThat(negative.body().get("status").stringValue()).isEqualTo("rejected");
		assertThat(negative.body().get("reason").stringValue()).contains("must not be negative");
		assertThat(beyond.status()).isEqualTo(400);
		assertThat(beyond.body().get("reason").stringValue()).contains("beyond the head (" + head + ")").contains("\"head\"");
		assertThat(word.status()).isEqualTo(400);
		assertThat(untouched.get("floor")).isEqualTo(before.get("floor"));
		assertThat(untouched.get("entries")).isEqualTo(before.get("entries"));
		assertThat(toHead.status()).isEqualTo(200);
		assertThat(toHead.body().get("status").stringValue()).isEqualTo("compacted");
		assertThat(toHead.body().get("result").get("upToVersion").longValue()).isGreaterThanOrEqualTo(head);
		assertThat(send("GET", "/actuator/plasma", null).body().get("floor").longValue()).isGreaterThanOrEqualTo(head);
	}

}
