package dev.plasma.bench.sync;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One simulated sync client: its own client group ({@code clientGroupID}), one client ID in it, its own
 * HTTP connection, mutation IDs 1, 2, 3, ... across the whole run, and the pull cookie it last received.
 * Every request carries HTTP Basic credentials of one of the sample app's demo users ({@link #USERS},
 * password = name): the client group belongs to that user, and its todos land in the user's inbox list.
 * Not thread-safe: each simulated client is driven by one thread.
 */
final class SimulatedClient {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * The sample app's list users; simulated client {@code i} (from 1) is {@code USERS[(i - 1) % 3]}.
	 */
	static final String[] USERS = { "alice", "bob", "carol" };

	private final HttpClient http;

	private final String authorization;

	private final URI plainUri;

	private final URI pushUri;

	private final URI pullUri;

	private final String groupId;

	private final String clientId;

	private final String todoPrefix;

	private long lastMutationId;

	private long plainInserts;

	private String cookie;

	private int lastPatchSize;

	private int lastBodyBytes;

	private final int mutationsPerPush;

	SimulatedClient(URI baseUrl, String runId, int index, int mutationsPerPush) {
		this.mutationsPerPush = mutationsPerPush;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(TIMEOUT)
			.build();
		this.plainUri = baseUrl.resolve("/plain/todos");
		this.pushUri = baseUrl.resolve("/plasma/push");
		this.pullUri = baseUrl.resolve("/plasma/pull");
		this.groupId = "bench-" + runId + "-g" + index;
		this.clientId = "c" + index;
		this.todoPrefix = runId + "-" + index + "-";
		this.authorization = basic(USERS[(index - 1) % USERS.length]);
	}

	/**
	 * Returns an HTTP Basic {@code Authorization} value for a demo user, whose password is the name.
	 * @param user the user
	 * @return the header value
	 */
	static String basic(String user) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Inserts a todo through the plain baseline endpoint.
	 * @return the request latency in nanoseconds
	 */
	long plainInsert() throws IOException, InterruptedException {
		String id = "plain-" + this.todoPrefix + (++this.plainInserts);
		String body = "{\"id\":\"" + id + "\",\"text\":\"Benchmark todo " + id + "\"}";
		long started = System.nanoTime();
		HttpResponse<String> response = send(this.plainUri, body);
		long latency = System.nanoTime() - started;
		if (response.statusCode() != 201) {
			throw new IllegalStateException("POST /plain/todos answered " + response.statusCode() + ": " + response.body());
		}
		return latency;
	}

	/**
	 * Pushes the client's next {@code createTodo} mutations (as many as {@code --mutations-per-push}) in
	 * one request, and checks each was applied.
	 * @return the request latency in nanoseconds
	 */
	long pushCreate() throws IOException, InterruptedException {
		StringBuilder mutations = new StringBuilder();
		long first = this.lastMutationId + 1;
		long last = this.lastMutationId + this.mutationsPerPush;
		for (long id = first; id <= last; id++) {
			String todo = pushedTodoId(id);
			mutations.append((id == first) ? "" : ",").append("{\"clientID\":\"").append(this.clientId).append("\",\"id\":")
				.append(id).append(",\"name\":\"createTodo\",\"args\":{\"id\":\"").append(todo)
				.append("\",\"text\":\"Benchmark todo ").append(todo).append("\"},\"timestamp\":").append(id).append(".0}");
		}
		String body = "{\"pushVersion\":1,\"clientGroupID\":\"" + this.groupId
				+ "\",\"profileID\":\"bench\",\"schemaVersion\":\"1\",\"mutations\":[" + mutations + "]}";
		long started = System.nanoTime();
		HttpResponse<String> response = send(this.pushUri, body);
		long latency = System.nanoTime() - started;
		if (response.statusCode() != 200) {
			throw new IllegalStateException("push answered " + response.statusCode() + ": " + response.body());
		}
		JsonNode results = JSON.readTree(response.body()).path("results");
		for (int i = 0; i < this.mutationsPerPush; i++) {
			if (!"applied".equals(results.path(i).path("outcome").asString(""))) {
				throw new IllegalStateException("mutation " + this.clientId + "/" + (first + i) + " was not applied: "
						+ response.body());
			}
		}
		this.lastMutationId = last;
		return latency;
	}

	/**
	 * Pulls with the client's current cookie ({@code null} before the first pull) and keeps the new one.
	 * After a push, checks read-your-writes: the client's last mutation is confirmed and, on an
	 * incremental pull, its todo is in the patch.
	 * @return the request latency in nanoseconds
	 */
	long pull() throws IOException, InterruptedException {
		return pull(true);
	}

	/**
	 * Pulls with the client's current cookie when nothing was pushed since its last pull: checks that its
	 * last mutation is still confirmed and keeps the cookie it gets.
	 * @return the request latency in nanoseconds
	 */
	long pullCaughtUp() throws IOException, InterruptedException {
		return pull(false);
	}

	private long pull(boolean afterPush) throws IOException, InterruptedException {
		String body = "{\"pullVersion\":1,\"clientGroupID\":\"" + this.groupId
				+ "\",\"profileID\":\"bench\",\"schemaVersion\":\"1\",\"cookie\":"
				+ ((this.cookie == null) ? "null" : "\"" + this.cookie + "\"") + "}";
		boolean incremental = this.cookie != null;
		long started = System.nanoTime();
		HttpResponse<String> response = send(this.pullUri, body);
		long latency = System.nanoTime() - started;
		if (response.statusCode() != 200) {
			throw new IllegalStateException("pull answered " + response.statusCode() + ": " + response.body());
		}
		JsonNode answer = JSON.readTree(response.body());
		if (answer.path("hasMore").asBoolean(false)) {
			throw new IllegalStateException("pull answered hasMore=true; raise plasma.pull.max-changes for the benchmark");
		}
		long confirmed = answer.path("lastMutationIDs").path(this.clientId).asLong(0);
		if (confirmed != this.lastMutationId) {
			throw new IllegalStateException("pull confirmed mutation " + confirmed + " of " + this.clientId
					+ " after mutation " + this.lastMutationId + " was applied");
		}
		JsonNode patch = answer.path("patch");
		if (afterPush && incremental && this.lastMutationId > 0
				&& !response.body().contains("\"key\":\"todos/" + pushedTodoId(this.lastMutationId) + "\"")) {
			throw new IllegalStateException("incremental pull of " + this.clientId + " misses its own todo "
					+ pushedTodoId(this.lastMutationId));
		}
		this.cookie = answer.path("cookie").asString();
		this.lastPatchSize = patch.size();
		this.lastBodyBytes = response.body().length();
		return latency;
	}

	int lastPatchSize() {
		return this.lastPatchSize;
	}

	int lastBodyBytes() {
		return this.lastBodyBytes;
	}

	long mutations() {
		return this.lastMutationId;
	}

	long plainInserts() {
		return this.plainInserts;
	}

	private String pushedTodoId(long mutationId) {
		return "push-" + this.todoPrefix + mutationId;
	}

	private HttpResponse<String> send(URI uri, String body) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(uri)
			.timeout(TIMEOUT)
			.header("Content-Type", "application/json")
			.header("Authorization", this.authorization)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
