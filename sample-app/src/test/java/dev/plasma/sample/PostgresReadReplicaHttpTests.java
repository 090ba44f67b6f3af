package dev.plasma.sample;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plasma.sample.JsonHttp.Response;
import dev.plasma.sequencer.Sequencer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pulls answered by a real PostgreSQL streaming replica ({@code .ci/replica.sh}, 127.0.0.1:5433) over real
 * HTTP: with the replica's replay paused, a pull after a push is answered by the primary and holds the
 * pushed change with its confirmation; a group that pushed nothing is answered by the replica from its own
 * (older) data; once replay resumes and the replica catches up, the replica answers again. Runs when
 * {@code postgresql-replica} is listed in {@code plasma.test.databases} and fails loudly when it is listed
 * but the replica is missing.
 */
@EnabledIf("selected")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "plasma.clients.cleanup-cron=-", "plasma.read-replica.username=postgres",
				"plasma.read-replica.password=", "plasma.read-replica.hikari.maximum-pool-size=2" })
@DirtiesContext
class PostgresReadReplicaHttpTests {

	private static final String DATABASE = SampleDatabases.name() + "_replica";

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private Sequencer sequencer;

	@LocalServerPort
	private int port;

	static boolean selected() {
		return SampleDatabases.selected("postgresql-replica");
	}

	@DynamicPropertySource
	static void databases(DynamicPropertyRegistry registry) throws Exception {
		SampleDatabases.postgresql(registry, DATABASE);
		ReplicaServer.require(DATABASE);
		registry.add("plasma.read-replica.url", () -> ReplicaServer.REPLICA + DATABASE);
	}

	@AfterEach
	void resumeReplay() throws Exception {
		ReplicaServer.resume();
	}

	private double served(String source) {
		return this.meters.counter("plasma.pull.source", "source", source).count();
	}

	private double fallbacks(String reason) {
		return this.meters.counter("plasma.pull.replica.fallbacks", "reason", reason).count();
	}

	private Response push(String group, long id, String todo) throws Exception {
		Response response = JsonHttp.post(this.port, "/plasma/push", "{\"pushVersion\":1,\"clientGroupID\":\"" + group
				+ "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\",\"mutations\":[{\"clientID\":\"c1\",\"id\":" + id
				+ ",\"name\":\"createTodo\",\"args\":{\"id\":\"" + todo + "\",\"text\":\"" + todo + "\"},\"timestamp\":1}]}");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body().get("results").get(0).get("outcome").stringValue()).isEqualTo("applied");
		return response;
	}

	private JsonNode pull(String group, String cookie) throws Exception {
		Response response = JsonHttp.post(this.port, "/plasma/pull", "{\"pullVersion\":1,\"clientGroupID\":\"" + group
				+ "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\",\"cookie\":"
				+ ((cookie != null) ? "\"" + cookie + "\"" : "null") + "}");
		assertThat(response.status()).isEqualTo(200);
		return response.body();
	}

	private JsonNode replicachePull(String group, String cookie) throws Exception {
		Response response = JsonHttp.post(this.port, "/plasma/replicache/pull", "{\"pullVersion\":1,\"clientGroupID\":\""
				+ group + "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\",\"cookie\":{\"order\":" + version(cookie)
				+ ",\"c1\":\"" + cookie + "\"}}");
		assertThat(response.status()).isEqualTo(200);
		return response.body();
	}

	private static List<String> keys(JsonNode answer) {
		return answer.get("patch").valueStream().filter((op) -> op.has("key")).map((op) -> op.get("key").stringValue())
			.toList();
	}

	private static long version(String cookie) {
		String json = new String(Base64.getDecoder().decode(cookie.substring(3)), StandardCharsets.UTF_8);
		return Long.parseLong(json.replaceAll("^\\{\"0\":\"(\\d+)\".*$", "$1"));
	}

	private double gauge(String name, String... tags) {
		return this.meters.get(name).tags(tags).gauge().value();
	}

	/** Waits (at most 30 s) until {@code condition} holds; the lag is read at most once a second. */
	private static void await(String what, Callable<Boolean> condition) throws Exception {
		long deadline = System.currentTimeMillis() + 30_000;
		while (!condition.call()) {
			if (System.currentTimeMillis() > deadline) {
				throw new AssertionError("not within 30 s: " + what);
			}
			Thread.sleep(100);
		}
	}

	private JsonNode replicaHealth() throws Exception {
		Response health = JsonHttp.sendAs("admin", this.port, "GET", "/actuator/health", null);
		JsonNode plasma = health.body().get("components").get("plasma");
		assertThat(plasma.get("status").stringValue()).as("a lagging replica never turns health DOWN").isEqualTo("UP");
		return plasma.get("details").get("readReplica");
	}

	@Test
	void theReplicasLagShowsWhileItsReplayIsPausedAndReturnsToZeroOnceItCaughtUp() throws Exception {
		push("lag1", 1, "l1");
		ReplicaServer.catchUp();
		await("caught up: 0 versions behind", () -> gauge("plasma.replica.lag", "region", "0") == 0);
		assertThat(gauge("plasma.replica.available")).isOne();

		ReplicaServer.pause();
		push("lag1", 2, "l2");
		this.jdbc.update("INSERT INTO todos (id, text, done, created_at, list_id) VALUES ('lag-raw', 'raw', FALSE, 0, 'inbox-alice')");
		this.sequencer.flush();

		await("paused: versions behind", () -> gauge("plasma.replica.lag", "region", "0") >= 2);
		await("paused: a replay delay", () -> gauge("plasma.replica.replay.delay") > 0);
		assertThat(gauge("plasma.replica.available")).isOne();
		JsonNode health = replicaHealth();
		assertThat(health.get("answered").booleanValue()).isTrue();
		assertThat(health.get("versionsBehind").get("0").longValue()).isGreaterThanOrEqualTo(2);
		assertThat(health.get("replayDelay").stringValue()).startsWith("PT").isNotEqualTo("PT0S");
		Response plasma = JsonHttp.sendAs("admin", this.port, "GET", "/actuator/plasma", null);
		assertThat(plasma.status()).isEqualTo(200);
		JsonNode endpoint = plasma.body().get("readReplica");
		assertThat(endpoint.get("versionsBehind").get("0").longValue()).isGreaterThanOrEqualTo(2);
		assertThat(endpoint.get("replayDelayMillis").longValue()).isPositive();

		ReplicaServer.resume();
		await("resumed: 0 versions behind", () -> gauge("plasma.replica.lag", "region", "0") == 0);
		await("resumed: replay delay back under a second (other databases on the server may be writing)",
				() -> gauge("plasma.replica.replay.delay") < 1);
		assertThat(replicaHealth().get("versionsBehind").get("0").longValue()).isZero();
	}

	@Test
	void aLaggingReplicaNeverAnswersAPullThatNeedsWhatItLacksAndAnswersAgainOnceCaughtUp() throws Exception {
		push("rg1", 1, "r1");
		ReplicaServer.catchUp();
		double replicaBefore = served("replica");
		JsonNode first = pull("rg1", null);
		assertThat(served("replica")).as("a caught-up replica answers").isEqualTo(replicaBefore + 1);
		assertThat(keys(first)).contains("todos/r1");
		assertThat(first.get("lastMutationIDs").get("c1").longValue()).isEqualTo(1);
		String cookie1 = first.get("cookie").stringValue();

		ReplicaServer.pause();
		push("rg1", 2, "r2");
		this.jdbc.update("INSERT INTO todos (id, text, done, created_at, list_id) VALUES ('raw1', 'raw', FALSE, 0, 'inbox-alice')");
		this.sequencer.flush();

		double primaryBefore = served("primary");
		double behindBefore = fallbacks("behind");
		JsonNode afterPush = pull("rg1", cookie1);
		assertThat(served("primary")).as("the paused replica lacks the group's push: the primary answers")
			.isEqualTo(primaryBefore + 1);
		assertThat(fallbacks("behind")).isEqualTo(behindBefore + 1);
		assertThat(keys(afterPush)).contains("todos/r2", "todos/raw1");
		assertThat(afterPush.get("lastMutationIDs").get("c1").longValue()).isEqualTo(2);
		String cookie2 = afterPush.get("cookie").stringValue();
		assertThat(version(cookie2)).isGreaterThan(version(cookie1));

		JsonNode replicache = replicachePull("rg1", cookie1);
		assertThat(keys(replicache)).contains("todos/r2");
		assertThat(replicache.get("lastMutationIDChanges").get("c1").longValue()).isEqualTo(2);
		assertThat(served("primary")).isEqualTo(primaryBefore + 2);

		JsonNode again = pull("rg1", cookie2);
		assertThat(served("primary")).as("a cookie beyond the replica's head: the primary answers, never backwards")
			.isEqualTo(primaryBefore + 3);
		assertThat(version(again.get("cookie").stringValue())).isEqualTo(version(cookie2));
		assertThat(keys(again)).isEmpty();

		double replicaWhilePaused = served("replica");
		JsonNode otherGroup = pull("rg2", null);
		assertThat(served("replica")).as("a new group that pushed nothing: the replica answers")
			.isEqualTo(replicaWhilePaused + 1);
		assertThat(keys(otherGroup)).as("the replica's own, older data").contains("todos/r1")
			.doesNotContain("todos/r2", "todos/raw1");
		assertThat(version(otherGroup.get("cookie").stringValue())).isLessThan(version(cookie2));
		assertThat(otherGroup.get("lastMutationIDs").properties()).isEmpty();

		ReplicaServer.resume();
		ReplicaServer.catchUp();
		double replicaAfterResume = served("replica");
		JsonNode caughtUp = pull("rg2", otherGroup.get("cookie").stringValue());
		assertThat(keys(caughtUp)).contains("todos/r2", "todos/raw1");
		JsonNode atHead = pull("rg1", cookie2);
		assertThat(version(atHead.get("cookie").stringValue())).isEqualTo(version(cookie2));
		assertThat(atHead.get("lastMutationIDs").get("c1").longValue()).isEqualTo(2);
		assertThat(served("replica")).as("caught up: the replica answers both").isEqualTo(replicaAfterResume + 2);
	}

}
