package dev.plasma.poke;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.plasma.sequencer.Sequencer;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pokes and presence over real HTTP, with two application instances (two embedded servers on one
 * database): SSE pokes after pushes and raw SQL, across instances, only for readers, coalesced, caught up
 * with Last-Event-ID; WebSocket tokens; presence across instances with a dropped connection; the
 * connection limit.
 */
public abstract class AbstractPokeTests {

	private static final String SECRET = "a-test-secret-of-at-least-32-characters";

	static final Duration WAIT = Duration.ofSeconds(5);

	static final int PORT_A = 18310;

	static final int PORT_B = 18311;

	protected abstract TestDatabase database();

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private final List<AutoCloseable> clients = new ArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	private String url;

	JdbcTemplate jdbc;

	@BeforeEach
	void prepareDatabase() {
		this.url = database().freshUrl();
		this.jdbc = new JdbcTemplate(new DriverManagerDataSource(this.url, database().user(), ""));
		this.jdbc.execute("CREATE TABLE notes (id VARCHAR(36) PRIMARY KEY, owner VARCHAR(64), text VARCHAR(200))");
		this.jdbc.execute("CREATE TABLE docs (id VARCHAR(36) PRIMARY KEY, title VARCHAR(200))");
	}

	@AfterEach
	void stop() throws Exception {
		for (AutoCloseable client : this.clients) {
			client.close();
		}
		for (ConfigurableApplicationContext instance : this.instances) {
			instance.close();
		}
	}

	ConfigurableApplicationContext start(int port, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=" + port, "spring.datasource.url=" + this.url,
				"spring.datasource.username=" + database().user(), "spring.datasource.password=",
				"spring.liquibase.enabled=false", "plasma.tables.notes.read.user-column=owner", "plasma.tables.docs=",
				"plasma.poke.token-secret=" + SECRET, "plasma.poke.heartbeat=1s", "spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(PokeTestApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
		this.instances.add(context);
		return context;
	}

	SseClient sse(int port, String user, String lastEventId) throws Exception {
		SseClient client = SseClient.open(this.http, "http://127.0.0.1:" + port + "/plasma/poke", user, lastEventId);
		this.clients.add(client);
		return client;
	}

	private HttpResponse<String> post(int port, String path, String user, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (user != null) {
			request.header("X-User", user);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String token(int port, String user) throws Exception {
		HttpResponse<String> response = post(port, "/plasma/ws-token", user, "");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"expiresInSeconds\":60");
		return response.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
	}

	private WsClient ws(int port, String token) {
		WsClient client = WsClient.open(this.http,
				"ws://127.0.0.1:" + port + "/plasma/ws?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
		this.clients.add(client::abort);
		return client;
	}

	private long head() {
		return this.jdbc.queryForObject("SELECT head FROM _plasma_sequencer", Long.class);
	}

	@Test
	void aStreamIsPokedAfterAPushAndAfterARawSqlInsertWithTheHeadAsIdAndData() throws Exception {
		start(PORT_A);
		SseClient alice = sse(PORT_A, "alice", null);
		assertThat(alice.status()).isEqualTo(200);
		assertThat(alice.response().headers().firstValue("Cache-Control")).contains("no-cache");
		assertThat(alice.response().headers().firstValue("X-Accel-Buffering")).contains("no");
		assertThat(alice.response().headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
		HttpResponse<String> push = post(PORT_A, "/plasma/push", "alice", """
				{"pushVersion":1,"clientGroupID":"g1","profileID":"p","schemaVersion":"1","mutations":[
				{"clientID":"c1","id":1,"name":"addNote","args":{"id":"n1","owner":"alice","text":"hi"},"timestamp":1}]}""");
		assertThat(push.statusCode()).isEqualTo(200);
		SseClient.Event afterPush = alice.next(WAIT);
		assertThat(afterPush).isNotNull();
		assertThat(afterPush.name()).isEqualTo("poke");
		assertThat(afterPush.id()).isEqualTo(Long.toString(head()));
		assertThat(afterPush.data()).isEqualTo("{\"version\":" + head() + "}");
		this.jdbc.update("INSERT INTO docs (id, title) VALUES ('d1', 'raw')");
		SseClient.Event afterRaw = alice.next(WAIT);
		assertThat(afterRaw).isNotNull();
		assertThat(Long.parseLong(afterRaw.id())).isGreaterThan(Long.parseLong(afterPush.id()));
		assertThat(alice.comments()).contains(": hb");
	}

	@Test
	void aWriteThroughOneInstancePokesAClientOfTheOther() throws Exception {
		start(PORT_A);
		ConfigurableApplicationContext b = start(PORT_B, "plasma.sequencer.enabled=false");
		SseClient onB = sse(PORT_B, "alice", null);
		HttpResponse<String> push = post(PORT_A, "/plasma/push", "alice", """
				{"pushVersion":1,"clientGroupID":"g1","profileID":"p","schemaVersion":"1","mutations":[
				{"clientID":"c1","id":1,"name":"addNote","args":{"id":"n1","owner":"alice","text":"hi"},"timestamp":1}]}""");
		assertThat(push.statusCode()).isEqualTo(200);
		SseClient.Event poke = onB.next(WAIT);
		assertThat(poke).isNotNull();
		assertThat(poke.id()).isEqualTo(Long.toString(head()));
		this.jdbc.update("INSERT INTO docs (id, title) VALUES ('d1', 'raw')");
		assertThat(onB.next(WAIT)).isNotNull();
		assertThat(b.getBean(PokeHub.class).connections(PokeTransport.SSE)).isOne();
	}

	@Test
	void aChangeInBobsPrivateNotesPokesBobButNotAlice() throws Exception {
		start(PORT_A);
		start(PORT_B, "plasma.sequencer.enabled=false");
		SseClient alice = sse(PORT_B, "alice", null);
		SseClient bob = sse(PORT_B, "bob", null);
		SseClient bobOnA = sse(PORT_A, "bob", null);
		this.jdbc.update("INSERT INTO notes (id, owner, text) VALUES ('b1', 'bob', 'secret')");
		assertThat(bob.next(WAIT)).isNotNull();
		assertThat(bobOnA.next(WAIT)).isNotNull();
		this.jdbc.update("UPDATE notes SET text = 'still secret' WHERE id = 'b1'");
		assertThat(bob.next(WAIT)).isNotNull();
		assertThat(alice.next(Duration.ofMillis(700))).as("alice is never poked for bob's note").isNull();
		this.jdbc.update("UPDATE notes SET owner = 'alice' WHERE id = 'b1'");
		assertThat(alice.next(WAIT)).as("the note moved into alice's reach").isNotNull();
		assertThat(bob.next(WAIT)).as("the note moved out of bob's reach").isNotNull();
	}

	@Test
	void aBurstOfWritesIsCoalescedIntoFewPokesEndingWithTheLastVersion() throws Exception {
		start(PORT_A, "plasma.poke.min-interval=100ms");
		SseClient alice = sse(PORT_A, "alice", null);
		long start = System.currentTimeMillis();
		try (java.sql.Connection connection = java.sql.DriverManager.getConnection(this.url, database().user(), "");
				java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO docs (id, title) VALUES (?, 'burst')")) {
			for (int i = 0; i < 200; i++) {
				insert.setString(1, "d" + i);
				insert.executeUpdate();
			}
		}
		long burstMillis = System.currentTimeMillis() - start;
		List<SseClient.Event> pokes = alice.drain(Duration.ofMillis(1500));
		assertThat(pokes).isNotEmpty();
		long pokingMillis = pokes.get(pokes.size() - 1).receivedAt() - pokes.get(0).receivedAt();
		assertThat(pokes.size())
			.as("pokes for 200 writes in " + burstMillis + " ms, received over " + pokingMillis + " ms")
			.isLessThanOrEqualTo((int) (pokingMillis / 100) + 2)
			.isLessThan(100);
		assertThat(pokes.get(pokes.size() - 1).id()).as("the trailing poke announces the last version")
			.isEqualTo(Long.toString(head()));
	}

	@Test
	void aClientThatStopsReadingDelaysNoOtherClientsPokesAndIsDroppedAfterTheSendTimeout() throws Exception {
		ConfigurableApplicationContext a = start(PORT_A, "plasma.poke.send-timeout=2s", "plasma.poke.min-interval=0",
				"plasma.poke.poll-interval=10ms", "test.socket-send-buffer=4096");
		PokeHub hub = a.getBean(PokeHub.class);
		Socket stuck = new Socket();
		this.clients.add(stuck);
		stuck.setReceiveBufferSize(1024);
		stuck.connect(new InetSocketAddress("127.0.0.1", PORT_A));
		stuck.getOutputStream().write(("GET /plasma/poke HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User: alice\r\n"
				+ "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
		stuck.getOutputStream().flush();
		waitUntil(() -> hub.connections(PokeTransport.SSE) == 1);
		SseClient reader = sse(PORT_A, "bob", null);
		assertThat(hub.connections(PokeTransport.SSE)).isEqualTo(2);
		long end = System.currentTimeMillis() + 60_000;
		long slowest = 0;
		int rounds = 0;
		int row = 0;
		try (java.sql.Connection connection = java.sql.DriverManager.getConnection(this.url, database().user(), "");
				java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO docs (id, title) VALUES (?, 'x')")) {
			while (hub.connections(PokeTransport.SSE) == 2 && System.currentTimeMillis() < end) {
				for (int i = 0; i < 20; i++) {
					insert.setString(1, "d" + row++);
					insert.executeUpdate();
					Thread.sleep(12);
				}
				waitUntil(() -> this.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_pending_changes", Long.class) == 0);
				long head = head();
				long sequenced = System.currentTimeMillis();
				SseClient.Event poke;
				do {
					poke = reader.next(WAIT);
					assertThat(poke).as("the reading client is poked").isNotNull();
				}
				while (Long.parseLong(poke.id()) < head);
				slowest = Math.max(slowest, poke.receivedAt() - sequenced);
				rounds++;
			}
		}
		assertThat(hub.connections(PokeTransport.SSE)).as("the client that stopped reading is dropped, after "
				+ rounds + " rounds and " + row + " writes").isOne();
		assertThat(rounds).as("rounds while its writes blocked").isGreaterThan(2);
		assertThat(slowest).as("the reading client's slowest poke, in ms").isLessThan(1000);
		this.jdbc.update("INSERT INTO docs (id, title) VALUES ('after', 'x')");
		assertThat(reader.next(WAIT)).isNotNull();
	}

	@Test
	void aReconnectWithLastEventIdBehindTheHeadIsPokedAtOnce() throws Exception {
		ConfigurableApplicationContext a = start(PORT_A);
		this.jdbc.update("INSERT INTO docs (id, title) VALUES ('d1', 'before')");
		a.getBean(Sequencer.class).flush();
		long head = head();
		waitUntil(() -> a.getBean(PokeHub.class).head() == head);
		SseClient behind = sse(PORT_A, "alice", Long.toString(head - 1));
		SseClient.Event poke = behind.next(WAIT);
		assertThat(poke).isNotNull();
		assertThat(poke.id()).isEqualTo(Long.toString(head));
		SseClient current = sse(PORT_A, "alice", Long.toString(head));
		assertThat(current.next(Duration.ofMillis(500))).isNull();
		this.jdbc.update("INSERT INTO notes (id, owner, text) VALUES ('b1', 'bob', 'secret')");
		a.getBean(Sequencer.class).flush();
		long bobsHead = head();
		waitUntil(() -> a.getBean(PokeHub.class).head() == bobsHead);
		SseClient aliceAfterBob = sse(PORT_A, "alice", Long.toString(head));
		assertThat(aliceAfterBob.next(Duration.ofMillis(500))).as("bob's note is no catch-up for alice").isNull();
	}

	@Test
	void requestsWithoutAUserOrForAnotherUsersClientGroupAreRefused() throws Exception {
		start(PORT_A);
		assertThat(sse(PORT_A, null, null).status()).isEqualTo(401);
		assertThat(post(PORT_A, "/plasma/ws-token", null, "").statusCode()).isEqualTo(401);
		post(PORT_A, "/plasma/pull", "bob", """
				{"pullVersion":1,"clientGroupID":"gb","profileID":"p","schemaVersion":"1","cookie":null}""");
		SseClient foreign = SseClient.open(this.http, "http://127.0.0.1:" + PORT_A + "/plasma/poke?clientGroupID=gb",
				"alice", null);
		assertThat(foreign.status()).isEqualTo(403);
	}

	@Test
	void theWebSocketNeedsAGenuineUnexpiredToken() throws Exception {
		start(PORT_A);
		String base = "ws://127.0.0.1:" + PORT_A + "/plasma/ws";
		assertThat(WsClient.refusedStatus(this.http, base)).isEqualTo(401);
		assertThat(WsClient.refusedStatus(this.http, base + "?token=YWxpY2U.9999999999.forged")).isEqualTo(401);
		PokeTokens otherSecret = new PokeTokens("another-secret-of-at-least-32-characters", Duration.ofSeconds(60),
				Clock.systemUTC());
		assertThat(WsClient.refusedStatus(this.http, base + "?token=" + otherSecret.issue("alice"))).isEqualTo(401);
		PokeTokens past = new PokeTokens(SECRET, Duration.ofSeconds(60),
				Clock.fixed(Instant.now().minusSeconds(120), ZoneOffset.UTC));
		assertThat(WsClient.refusedStatus(this.http, base + "?token=" + past.issue("alice"))).as("expired").isEqualTo(401);
		WsClient alice = ws(PORT_A, token(PORT_A, "alice"));
		this.jdbc.update("INSERT INTO docs (id, title) VALUES ('d1', 'raw')");
		JsonNode poke = alice.next("poke", WAIT);
		assertThat(poke).isNotNull();
		assertThat(poke.path("version").asLong()).isEqualTo(head());
	}

	@Test
	void presenceCrossesInstancesAndADroppedConnectionLeaves() throws Exception {
		start(PORT_A);
		start(PORT_B, "plasma.sequencer.enabled=false");
		this.jdbc.update("INSERT INTO docs (id, title) VALUES ('d1', 'shared')");
		this.jdbc.update("INSERT INTO notes (id, owner, text) VALUES ('a1', 'alice', 'mine')");
		waitUntil(() -> this.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_pending_changes", Long.class) == 0);
		WsClient alice = ws(PORT_A, token(PORT_A, "alice"));
		WsClient bob = ws(PORT_B, token(PORT_B, "bob"));
		alice.send("{\"type\":\"join\",\"room\":\"docs:d1\",\"clientID\":\"ca\",\"state\":{\"cursor\":1}}");
		JsonNode first = presence(alice, 1);
		assertThat(first.path("room").asString()).isEqualTo("docs:d1");
		assertThat(first.path("members")).hasSize(1);
		bob.send("{\"type\":\"join\",\"room\":\"docs:d1\",\"clientID\":\"cb\",\"state\":{\"cursor\":7}}");
		JsonNode bobSees = presence(bob, 2);
		assertThat(bobSees.path("members").get(0).path("user").asString()).isEqualTo("alice");
		assertThat(bobSees.path("members").get(0).path("clientID").asString()).isEqualTo("ca");
		assertThat(bobSees.path("members").get(0).path("state").path("cursor").asInt()).isEqualTo(1);
		assertThat(presence(alice, 2).path("members").get(1).path("user").asString()).isEqualTo("bob");
		bob.send("{\"type\":\"update\",\"room\":\"docs:d1\",\"state\":{\"cursor\":9}}");
		presence(alice, (message) -> message.path("members").path(1).path("state").path("cursor").asInt() == 9);
		bob.send("{\"type\":\"join\",\"room\":\"notes:a1\",\"clientID\":\"cb\",\"state\":{}}");
		JsonNode hidden = bob.next("error", WAIT);
		bob.send("{\"type\":\"join\",\"room\":\"notes:nothing\",\"clientID\":\"cb\",\"state\":{}}");
		JsonNode missing = bob.next("error", WAIT);
		assertThat(hidden.path("error").asString()).isEqualTo("Forbidden");
		assertThat(hidden.path("message")).isEqualTo(missing.path("message"));
		bob.send("{\"type\":\"update\",\"room\":\"docs:d1\",\"state\":{\"big\":\"" + "x".repeat(2000) + "\"}}");
		assertThat(bob.next("error", WAIT).path("error").asString()).isEqualTo("BadRequest");
		long dropped = System.currentTimeMillis();
		bob.abort();
		assertThat(presence(alice, 1).path("members").get(0).path("user").asString()).isEqualTo("alice");
		assertThat(System.currentTimeMillis() - dropped).as("within two heartbeats").isLessThan(2500);
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_presence", Long.class)).isOne();
	}

	@Test
	void connectionsBeyondTheLimitAreAnswered503WithRetryAfter() throws Exception {
		start(PORT_A, "plasma.poke.max-connections=2");
		assertThat(sse(PORT_A, "alice", null).status()).isEqualTo(200);
		assertThat(sse(PORT_A, "bob", null).status()).isEqualTo(200);
		SseClient third = sse(PORT_A, "carol", null);
		assertThat(third.status()).isEqualTo(503);
		assertThat(third.response().headers().firstValue("Retry-After")).isPresent();
		assertThat(WsClient.refusedStatus(this.http,
				"ws://127.0.0.1:" + PORT_A + "/plasma/ws?token=" + token(PORT_A, "carol"))).isEqualTo(503);
	}

	private static JsonNode presence(WsClient client, int members) throws InterruptedException {
		return presence(client, (message) -> message.path("members").size() == members);
	}

	private static JsonNode presence(WsClient client, java.util.function.Predicate<JsonNode> expected)
			throws InterruptedException {
		long end = System.currentTimeMillis() + WAIT.toMillis();
		while (System.currentTimeMillis() < end) {
			JsonNode message = client.next("presence", WAIT);
			if (message != null && expected.test(message)) {
				assertThat(message.path("room").asString()).isEqualTo("docs:d1");
				return message;
			}
		}
		throw new AssertionError("no such presence message in time");
	}

	static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long end = System.currentTimeMillis() + WAIT.toMillis();
		while (!condition.getAsBoolean()) {
			assertThat(System.currentTimeMillis()).as("condition met in time").isLessThan(end);
			Thread.sleep(20);
		}
	}

}
