package dev.plasma.sample;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.clients.ClientGroupCleanupJob;
import dev.plasma.sample.JsonHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may sync what, over real HTTP with the demo users, on one database: no credentials is a 401, another
 * user's client group a 403 that changes nothing, a write to a list the user is not a member of fails as
 * {@code denied}, a group deleted for inactivity is {@code ClientStateNotFound}, and a user pulls only
 * what the read rules let them read.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "plasma.clients.cleanup-cron=-")
abstract class AbstractAccessHttpTests {

	private static final List<String> SYNC_PATHS = List.of("/plasma/push", "/plasma/pull", "/plasma/replicache/push",
			"/plasma/replicache/pull");

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private ClientGroupCleanupJob cleanup;

	@Autowired
	private dev.plasma.sequencer.Sequencer sequencer;

	@LocalServerPort
	private int port;

	private static String push(String group, String mutations) {
		return "{\"pushVersion\":1,\"clientGroupID\":\"" + group + "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\","
				+ "\"mutations\":[" + mutations + "]}";
	}

	private static String mutation(long id, String name, String args) {
		return "{\"clientID\":\"c1\",\"id\":" + id + ",\"name\":\"" + name + "\",\"args\":" + args + ",\"timestamp\":1}";
	}

	/**
	 * Pulls natively as {@code user} and returns the cookie and the patch as "op key" lines.
	 */
	private List<String> pullAs(String user, String group, String[] cookie) throws Exception {
		String cookieJson = (cookie[0] != null) ? "\"" + cookie[0] + "\"" : "null";
		Response response = JsonHttp.postAs(user, this.port, "/plasma/pull",
				"{\"pullVersion\":1,\"clientGroupID\":\"" + group + "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\","
						+ "\"cookie\":" + cookieJson + "}");
		assertThat(response.status()).isEqualTo(200);
		cookie[0] = response.body().get("cookie").stringValue();
		return response.body()
			.get("patch")
			.valueStream()
			.map((operation) -> operation.get("op").stringValue()
					+ (operation.has("key") ? " " + operation.get("key").stringValue() : ""))
			.toList();
	}

	private static String pull(String group) {
		return "{\"pullVersion\":1,\"clientGroupID\":\"" + group + "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\","
				+ "\"cookie\":null}";
	}

	private static String bodyFor(String path, String group) {
		return path.endsWith("push") ? push(group, mutation(1, "createTodo", "{\"id\":\"" + group + "-t\",\"text\":\"x\"}"))
				: pull(group);
	}

	private String state(String group) {
		return this.jdbc.queryForList("SELECT id FROM todos WHERE id LIKE ? ORDER BY id", String.class, group + "%") + " "
				+ this.jdbc.query("SELECT client_id, last_mutation_id FROM _plasma_client_mutations "
						+ "WHERE client_group_id = ? ORDER BY client_id", (rs, row) -> rs.getString(1) + "=" + rs.getLong(2), group)
				+ " " + this.jdbc.queryForList("SELECT client_id FROM _plasma_client_confirmations WHERE client_group_id = ?",
						String.class, group)
				+ " " + this.jdbc.queryForList("SELECT owner FROM _plasma_client_groups WHERE client_group_id = ?",
						String.class, group);
	}

	private double count(String meter, String reason) {
		return this.meters.get(meter).tag("reason", reason).counter().count();
	}

	@Test
	void aRequestWithoutCredentialsIs401OnBothProtocolsAndStoresNothing() throws Exception {
		for (String path : SYNC_PATHS) {
			Response none = JsonHttp.postAs(null, this.port, path, bodyFor(path, "anon-g"));
			Response wrong = JsonHttp.sendWithHeaders(this.port, "POST", path, bodyFor(path, "anon-g"), "Content-Type",
					"application/json", "Authorization", JsonHttp.basic("alice", "wrong"));

			assertThat(none.status()).as(path).isEqualTo(401);
			assertThat(none.body().get("error").stringValue()).isEqualTo("Unauthorized");
			assertThat(wrong.status()).as(path).isEqualTo(401);
		}
		assertThat(state("anon-g")).isEqualTo("[] [] [] []");
	}

	@Test
	void anotherUsersClientGroupIs403WithAClearErrorAndNothingChanges() throws Exception {
		assertThat(JsonHttp.postAs("alice", this.port, "/plasma/push", push("alices-g",
				mutation(1, "createTodo", "{\"id\":\"alices-g-1\",\"text\":\"mine\"}"))).status()).isEqualTo(200);
		assertThat(JsonHttp.postAs("alice", this.port, "/plasma/pull", pull("alices-g")).status()).isEqualTo(200);
		String before = state("alices-g");
		double denied = count("plasma.access.denied", "foreign-group");

		for (String path : SYNC_PATHS) {
			String body = path.endsWith("push")
					? push("alices-g", mutation(2, "createTodo", "{\"id\":\"alices-g-2\",\"text\":\"bob's\"}"))
					: pull("alices-g");
			Response refused = JsonHttp.postAs("bob", this.port, path, body);

			assertThat(refused.status()).as(path).isEqualTo(403);
			assertThat(refused.body().get("error").stringValue()).isEqualTo("Forbidden");
			assertThat(refused.body().get("message").stringValue()).contains("belongs to another user");
		}

		assertThat(state("alices-g")).isEqualTo(before).endsWith("[alice]");
		assertThat(count("plasma.access.denied", "foreign-group")).isEqualTo(denied + 4);
	}

	@Test
	void aUserPullsOnlyReadableRowsAndSharingOrMovingRowsMovesThemInAndOutOfAnExistingCookie() throws Exception {
		JsonHttp.postAs("alice", this.port, "/plasma/push", push("rr-a",
				mutation(1, "createList", "{\"id\":\"rr-private\",\"name\":\"Private\"}") + ","
						+ mutation(2, "createTodo", "{\"id\":\"rr-secret\",\"text\":\"s\",\"listId\":\"rr-private\"}") + ","
						+ mutation(3, "createList", "{\"id\":\"rr-shared\",\"name\":\"Shared\"}") + ","
						+ mutation(4, "createTodo", "{\"id\":\"rr-open\",\"text\":\"o\",\"listId\":\"rr-shared\"}")));
		String[] bob = { null };

		List<String> full = pullAs("bob", "rr-b", bob);
		JsonHttp.postAs("alice", this.port, "/plasma/push", push("rr-a",
				mutation(5, "createTodo", "{\"id\":\"rr-secret-2\",\"text\":\"t\",\"listId\":\"rr-private\"}") + ","
						+ mutation(6, "updateTodo", "{\"id\":\"rr-secret\",\"done\":true}") + ","
						+ mutation(7, "deleteTodo", "{\"id\":\"rr-secret-2\"}")));
		List<String> othersWrites = pullAs("bob", "rr-b", bob);
		JsonHttp.postAs("alice", this.port, "/plasma/push",
				push("rr-a", mutation(8, "shareList", "{\"listId\":\"rr-shared\",\"userName\":\"bob\"}")));
		List<String> shared = pullAs("bob", "rr-b", bob);
		this.jdbc.update("UPDATE todos SET list_id = 'rr-shared' WHERE id = 'rr-secret'");
		this.sequencer.flush();
		List<String> movedIn = pullAs("bob", "rr-b", bob);
		this.jdbc.update("UPDATE todos SET list_id = 'rr-private' WHERE id = 'rr-secret'");
		this.sequencer.flush();
		List<String> movedOut = pullAs("bob", "rr-b", bob);
		JsonHttp.postAs("alice", this.port, "/plasma/push",
				push("rr-a", mutation(9, "unshareList", "{\"listId\":\"rr-shared\",\"userName\":\"bob\"}")));
		List<String> unshared = pullAs("bob", "rr-b", bob);

		assertThat(full).containsExactly("clear");
		assertThat(othersWrites).as("no key of a list bob cannot read, not even a del").isEmpty();
		assertThat(shared).contains("put lists/rr-shared", "put todos/rr-open")
			.noneMatch((line) -> line.contains("rr-private") || line.contains("rr-secret"));
		assertThat(movedIn).containsExactly("put todos/rr-secret");
		assertThat(movedOut).containsExactly("del todos/rr-secret");
		assertThat(unshared).first().isEqualTo("clear");
		assertThat(unshared).noneMatch((line) -> line.contains("rr-"));
	}

	@Test
	void aWriteToAListTheUserIsNotAMemberOfFailsAsDeniedWithoutRevealingWhetherTheRowExists() throws Exception {
		JsonHttp.postAs("alice", this.port, "/plasma/push", push("owner-g",
				mutation(1, "createList", "{\"id\":\"shared\",\"name\":\"Shared\"}") + ","
						+ mutation(2, "createTodo", "{\"id\":\"owner-g-1\",\"text\":\"milk\",\"listId\":\"shared\"}")));
		double denied = count("plasma.push.failures", "denied");

		Response refused = JsonHttp.postAs("bob", this.port, "/plasma/push", push("bob-g",
				mutation(1, "createTodo", "{\"id\":\"bob-g-1\",\"text\":\"sneaky\",\"listId\":\"shared\"}") + ","
						+ mutation(2, "updateTodo", "{\"id\":\"owner-g-1\",\"done\":true}") + ","
						+ mutation(3, "updateTodo", "{\"id\":\"no-such-todo\",\"done\":true}") + ","
						+ mutation(4, "shareList", "{\"listId\":\"shared\",\"userName\":\"bob\"}")));

		assertThat(refused.status()).isEqualTo(200);
		assertThat(refused.body().get("results").valueStream().map((result) -> result.get("outcome").stringValue()))
			.containsExactly("failed", "failed", "failed", "failed");
		assertThat(count("plasma.push.failures", "denied")).isEqualTo(denied + 4);
		assertThat(state("bob-g")).isEqualTo("[] [c1=4] [c1] [bob]");
		assertThat(this.jdbc.queryForObject("SELECT done FROM todos WHERE id = 'owner-g-1'", Boolean.class)).isFalse();

		JsonHttp.postAs("alice", this.port, "/plasma/push",
				push("owner-g", mutation(3, "shareList", "{\"listId\":\"shared\",\"userName\":\"bob\"}")));
		Response member = JsonHttp.postAs("bob", this.port, "/plasma/push", push("bob-g",
				mutation(5, "createTodo", "{\"id\":\"bob-g-2\",\"text\":\"eggs\",\"listId\":\"shared\"}")));
		JsonHttp.postAs("alice", this.port, "/plasma/push",
				push("owner-g", mutation(4, "unshareList", "{\"listId\":\"shared\",\"userName\":\"bob\"}")));
		Response removed = JsonHttp.postAs("bob", this.port, "/plasma/push",
				push("bob-g", mutation(6, "deleteTodo", "{\"id\":\"bob-g-2\"}")));

		assertThat(member.body().get("results").get(0).get("outcome").stringValue()).isEqualTo("applied");
		assertThat(removed.body().get("results").get(0).get("outcome").stringValue()).isEqualTo("failed");
		assertThat(this.jdbc.queryForList("SELECT id FROM todos WHERE list_id = 'shared' ORDER BY id", String.class))
			.containsExactly("bob-g-2", "owner-g-1");
	}

	@Test
	void aClientGroupDeletedForInactivityIsClientStateNotFoundAndNeverStartedAfresh() throws Exception {
		JsonHttp.postAs("carol", this.port, "/plasma/push",
				push("old-g", mutation(1, "createTodo", "{\"id\":\"old-g-1\",\"text\":\"long ago\"}")));
		this.jdbc.update("UPDATE _plasma_client_groups SET last_seen_at = 0 WHERE client_group_id = 'old-g'");

		assertThat(this.cleanup.run()).hasValueSatisfying((deleted) -> assertThat(deleted).isGreaterThanOrEqualTo(1));

		Response nativePull = JsonHttp.postAs("carol", this.port, "/plasma/pull", pull("old-g"));
		Response nativePush = JsonHttp.postAs("carol", this.port, "/plasma/push",
				push("old-g", mutation(2, "createTodo", "{\"id\":\"old-g-2\",\"text\":\"again\"}")));
		Response replicachePull = JsonHttp.postAs("carol", this.port, "/plasma/replicache/pull", pull("old-g"));
		Response replicachePush = JsonHttp.postAs("carol", this.port, "/plasma/replicache/push",
				push("old-g", mutation(2, "createTodo", "{\"id\":\"old-g-2\",\"text\":\"again\"}")));

		assertThat(nativePull.status()).isEqualTo(410);
		assertThat(nativePull.body().get("error").stringValue()).isEqualTo("ClientStateNotFound");
		assertThat(nativePush.status()).isEqualTo(410);
		assertThat(replicachePull.status()).isEqualTo(200);
		assertThat(replicachePull.body().toString()).isEqualTo("{\"error\":\"ClientStateNotFound\"}");
		assertThat(replicachePush.body().toString()).isEqualTo("{\"error\":\"ClientStateNotFound\"}");
		assertThat(state("old-g")).isEqualTo("[old-g-1] [] [] [carol]");
		assertThat(this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM _plasma_client_groups WHERE client_group_id = 'old-g' AND deleted_at IS NOT NULL",
				Integer.class)).isEqualTo(1);
	}

}
