package dev.plasma.bench.poke;

import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.identity.SyncUserResolver;
import dev.plasma.mutation.PlasmaMutator;

/**
 * One application instance of the poke benchmark: the user comes from the {@code X-User} header, and
 * {@code addNote} inserts a note.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class PokeBenchApplication {

	@Bean
	SyncUserResolver benchUserResolver() {
		return (request) -> request.getHeader("X-User");
	}

	@Bean
	Notes benchNotes(JdbcTemplate jdbc) {
		return new Notes(jdbc);
	}

	static class Notes {

		private final JdbcTemplate jdbc;

		Notes(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@PlasmaMutator("addNote")
		void addNote(Map<String, Object> args) {
			this.jdbc.update("INSERT INTO notes (id, owner, text) VALUES (?, ?, 'push')", args.get("id"), args.get("owner"));
		}

	}

}
