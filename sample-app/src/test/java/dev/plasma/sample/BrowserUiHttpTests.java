package dev.plasma.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser UI's static files over real HTTP: open without credentials (the page signs in itself), while
 * the app's data still needs them, and a failed sign-in from the page's script is a bare 401 that does not
 * make the browser open its own password dialog.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.datasource.url=jdbc:h2:mem:browser_ui_http_tests;DB_CLOSE_DELAY=-1")
class BrowserUiHttpTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	private HttpResponse<String> get(String path, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).GET();
		if (headers.length > 0) {
			request.headers(headers);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void thePageAndItsStylesAreServedWithoutCredentials() throws Exception {
		HttpResponse<String> page = get("/");
		HttpResponse<String> styles = get("/app.css");

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("src=\"ui/app.js\"", "data-testid=\"login-form\"", "data-testid=\"bundle-missing\"",
				"npm ci &amp;&amp; npm run build");
		assertThat(styles.statusCode()).isEqualTo(200);
	}

	@Test
	void theBundleNeedsNoCredentialsWhetherOrNotItWasBuilt() throws Exception {
		// Built when the build found npm (200), absent otherwise (404): never behind the login.
		assertThat(get("/ui/app.js").statusCode()).isIn(200, 404);
	}

	@Test
	void theDataStillNeedsCredentials() throws Exception {
		assertThat(get("/todos").statusCode()).isEqualTo(401);
		assertThat(get("/todos", "Authorization", JsonHttp.basic("alice", "alice")).statusCode()).isEqualTo(200);
	}

	@Test
	void aFailedSignInFromThePageIsABare401() throws Exception {
		HttpResponse<String> fromScript = get("/todos", "Authorization", JsonHttp.basic("alice", "wrong"), "X-Requested-With",
				"XMLHttpRequest");
		HttpResponse<String> fromBrowser = get("/todos", "Authorization", JsonHttp.basic("alice", "wrong"));

		assertThat(fromScript.statusCode()).isEqualTo(401);
		assertThat(fromScript.headers().firstValue("WWW-Authenticate")).isEmpty();
		assertThat(fromBrowser.statusCode()).isEqualTo(401);
		assertThat(fromBrowser.headers().firstValue("WWW-Authenticate")).hasValueSatisfying((value) -> assertThat(value).startsWith("Basic"));
	}

}
