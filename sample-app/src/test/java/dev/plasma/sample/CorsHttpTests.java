package dev.plasma.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.plasma.sample.JsonHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browser clients on another origin, with {@code plasma.web.cors.allowed-origins} set: the sync endpoints
 * answer their preflight and their requests, other origins are refused, and the rest of the app gets no
 * CORS from Plasma.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:cors_http_tests;DB_CLOSE_DELAY=-1",
				"plasma.web.cors.allowed-origins=https://app.example.com" })
class CorsHttpTests {

	private static final String APP = "https://app.example.com";

	private static final String PULL = "{\"pullVersion\":1,\"clientGroupID\":\"cors-g\",\"profileID\":\"p\",\"cookie\":null}";

	@LocalServerPort
	private int port;

	private Response preflight(String path, String origin) throws Exception {
		return JsonHttp.sendWithHeaders(this.port, "OPTIONS", path, null, "Origin", origin, "Access-Control-Request-Method", "POST",
				"Access-Control-Request-Headers", "content-type,x-replicache-requestid");
	}

	@Test
	void anAllowedOriginGetsItsPreflightAndItsPullsAnswered() throws Exception {
		Response preflight = preflight("/plasma/replicache/pull", APP);
		Response pull = JsonHttp.sendWithHeaders(this.port, "POST", "/plasma/replicache/pull", PULL, "Origin", APP, "Content-Type",
				"application/json");

		assertThat(preflight.status()).isEqualTo(200);
		assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(APP);
		assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
		assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("x-replicache-requestid");
		assertThat(pull.status()).isEqualTo(200);
		assertThat(pull.header("Access-Control-Allow-Origin")).isEqualTo(APP);
		assertThat(pull.body().get("cookie").get("c1").stringValue()).startsWith("c1:");
	}

	@Test
	void anotherOriginIsRefusedAndTheRestOfTheAppGetsNoCors() throws Exception {
		Response preflight = preflight("/plasma/pull", "https://evil.example.com");
		Response pull = JsonHttp.sendWithHeaders(this.port, "POST", "/plasma/pull", PULL.replace("\"profileID\"", "\"schemaVersion\":\"1\",\"profileID\""),
				"Origin", "https://evil.example.com", "Content-Type", "application/json");
		Response health = preflight("/actuator/health", APP);

		assertThat(preflight.status()).isEqualTo(403);
		assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
		assertThat(pull.status()).isEqualTo(403);
		assertThat(health.header("Access-Control-Allow-Origin")).isNull();
	}

}
