package dev.plasma.poke;

import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.identity.SyncUserResolver;
import dev.plasma.mutation.PlasmaMutator;

/**
 * A minimal application for the realtime tests: the user comes from the {@code X-User} header, and one
 * mutator adds a note. With {@code test.socket-send-buffer} set, the server's sockets get that send buffer
 * (so a client that stops reading blocks the server's writes soon).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class PokeTestApplication {

	@Bean
	SyncUserResolver testUserResolver() {
		return (request) -> request.getHeader("X-User");
	}

	@Bean
	@ConditionalOnProperty("test.socket-send-buffer")
	WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallSendBuffer(
			org.springframework.core.env.Environment environment) {
		String size = environment.getRequiredProperty("test.socket-send-buffer");
		return (factory) -> factory.addConnectorCustomizers((connector) -> connector.setProperty("socket.txBufSize", size));
	}

	@Bean
	NoteMutators noteMutators(JdbcTemplate jdbc) {
		return new NoteMutators(jdbc);
	}

	static class NoteMutators {

		private final JdbcTemplate jdbc;

		NoteMutators(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@PlasmaMutator("addNote")
		void addNote(Map<String, Object> args) {
			this.jdbc.update("INSERT INTO notes (id, owner, text) VALUES (?, ?, ?)", args.get("id"), args.get("owner"),
					args.get("text"));
		}

	}

}
