package dev.plasma.sample;

import java.net.ServerSocket;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plasma.sample.JsonHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read replica that does not answer (nothing listens on its port): pulls are answered by the primary,
 * 200 with the data, never 5xx; the first one finds the replica failing, the next ones leave it alone for
 * {@code plasma.read-replica.retry-after}. Embedded H2 as the primary, so it runs everywhere.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:replica_down_http_tests;DB_CLOSE_DELAY=-1",
				"plasma.read-replica.username=postgres", "plasma.read-replica.retry-after=1h" })
@DirtiesContext
class ReadReplicaDownHttpTests {

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void replica(DynamicPropertyRegistry registry) throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		registry.add("plasma.read-replica.url", () -> "jdbc:postgresql://127.0.0.1:" + closedPort + "/plasma");
	}

	private double count(String name, String tag, String value) {
		return this.meters.counter(name, tag, value).count();
	}

	private JsonNode pull(String group) throws Exception {
		long started = System.nanoTime();
		Response response = JsonHttp.post(this.port, "/plasma/pull", "{\"pullVersion\":1,\"clientGroupID\":\"" + group
				+ "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\",\"cookie\":null}");
		assertThat(response.status()).isEqualTo(200);
		assertThat((System.nanoTime() - started) / 1_000_000).as("within the replica pool's connection timeout")
			.isLessThan(3000);
		return response.body();
	}

	@Test
	void aReplicaThatIsDownLeavesPullsToThePrimary() throws Exception {
		Response push = JsonHttp.post(this.port, "/plasma/push", "{\"pushVersion\":1,\"clientGroupID\":\"down-g\","
				+ "\"profileID\":\"p1\",\"schemaVersion\":\"1\",\"mutations\":[{\"clientID\":\"c1\",\"id\":1,"
				+ "\"name\":\"createTodo\",\"args\":{\"id\":\"d1\",\"text\":\"d\"},\"timestamp\":1}]}");
		assertThat(push.status()).isEqualTo(200);

		JsonNode first = pull("down-g");
		List<String> keys = first.get("patch").valueStream().filter((op) -> op.has("key"))
			.map((op) -> op.get("key").stringValue()).toList();
		assertThat(keys).contains("todos/d1");
		assertThat(first.get("lastMutationIDs").get("c1").longValue()).isEqualTo(1);
		assertThat(count("plasma.pull.replica.fallbacks", "reason", "error")).isEqualTo(1);

		pull("down-g");
		assertThat(count("plasma.pull.replica.fallbacks", "reason", "backoff")).isEqualTo(1);
		assertThat(count("plasma.pull.replica.fallbacks", "reason", "error")).as("left alone for retry-after").isEqualTo(1);
		assertThat(count("plasma.pull.source", "source", "primary")).isEqualTo(2);
		assertThat(count("plasma.pull.source", "source", "replica")).isZero();
	}

}
