package dev.plasma.sample;

import java.net.ServerSocket;
import java.sql.SQLException;

import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plasma.sample.JsonHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database goes away for real (the H2 TCP server the app talks to stops, while HikariCP keeps its
 * default 30 second connection timeout): sync requests are answered with 503 and {@code Retry-After}
 * within {@code plasma.web.connection-wait}, then at once, and work again once the database is back.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "plasma.web.connection-wait=500ms", "plasma.web.retry-after=1s" })
class DatabaseOutageHttpTests {

	private static int databasePort;

	private static Server database;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			databasePort = socket.getLocalPort();
		}
		startDatabase();
		registry.add("spring.datasource.url",
				() -> "jdbc:h2:tcp://localhost:" + databasePort + "/mem:outage_http_tests;DB_CLOSE_DELAY=-1");
	}

	private static void startDatabase() throws SQLException {
		database = Server.createTcpServer("-tcpPort", Integer.toString(databasePort), "-ifNotExists").start();
	}

	private static String push(long id) {
		return "{\"pushVersion\":1,\"clientGroupID\":\"outage-g\",\"profileID\":\"p\",\"schemaVersion\":\"1\","
				+ "\"mutations\":[{\"clientID\":\"c1\",\"id\":" + id + ",\"name\":\"createTodo\",\"args\":{\"id\":\"o" + id
				+ "\",\"text\":\"t\"}}]}";
	}

	private static final String PULL = "{\"pullVersion\":1,\"clientGroupID\":\"outage-g\",\"profileID\":\"p\","
			+ "\"schemaVersion\":\"1\",\"cookie\":null}";

	private Response timed(String path, String body, long[] millis) throws Exception {
		long start = System.nanoTime();
		Response response = JsonHttp.post(this.port, path, body);
		millis[0] = (System.nanoTime() - start) / 1_000_000;
		return response;
	}

	@Test
	void syncRequestsFailFastWith503AndRetryAfterWhileTheDatabaseIsDownAndRecoverAfterwards() throws Exception {
		assertThat(JsonHttp.post(this.port, "/plasma/push", push(1)).status()).isEqualTo(200);
		database.stop();
		Thread.sleep(1500);
		long[] firstMillis = new long[1];
		long[] nextMillis = new long[1];
		long[] pullMillis = new long[1];

		Response first = timed("/plasma/push", push(2), firstMillis);
		Response next = timed("/plasma/replicache/push", push(2), nextMillis);
		Response pull = timed("/plasma/pull", PULL, pullMillis);

		for (Response refused : java.util.List.of(first, next, pull)) {
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.header("Retry-After")).isEqualTo("1");
			assertThat(refused.body().get("error").stringValue()).isEqualTo("Unavailable");
		}
		assertThat(firstMillis[0]).as("waited for the probe, bounded by connection-wait").isLessThan(3000);
		assertThat(nextMillis[0]).as("refused at once").isLessThan(300);
		assertThat(pullMillis[0]).as("refused at once").isLessThan(300);

		startDatabase();
		Response recovered = null;
		for (int attempt = 0; attempt < 40 && (recovered == null || recovered.status() != 200); attempt++) {
			Thread.sleep(500);
			recovered = JsonHttp.post(this.port, "/plasma/push", push(2));
		}
		assertThat(recovered.status()).isEqualTo(200);
		assertThat(recovered.body().get("results").get(0).get("outcome").stringValue()).isEqualTo("applied");
	}

}
