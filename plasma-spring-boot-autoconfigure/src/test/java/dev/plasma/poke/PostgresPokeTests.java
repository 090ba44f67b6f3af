package dev.plasma.poke;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

@OnDatabase(TestDatabase.POSTGRESQL)
class PostgresPokeTests extends AbstractPokeTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

	@Test
	void theListenerReconnectsAfterItsConnectionIsKilledAndPokesAgain() throws Exception {
		start(PORT_A);
		ConfigurableApplicationContext b = start(PORT_B, "plasma.sequencer.enabled=false");
		PostgresNotifyPokeBus bus = b.getBean(PostgresNotifyPokeBus.class);
		waitUntil(bus::isListening);
		SseClient onB = sse(PORT_B, "alice", null);
		List<Map<String, Object>> killed = this.jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
				+ "WHERE query LIKE 'LISTEN plasma_presence%' AND pid <> pg_backend_pid()");
		assertThat(killed).as("one dedicated listening connection per instance").hasSize(2);
		this.jdbc.update("INSERT INTO docs (id, title) VALUES ('d1', 'after the kill')");
		SseClient.Event poke = onB.next(Duration.ofSeconds(15));
		assertThat(poke).as("poked once the listener is back").isNotNull();
		waitUntil(bus::isListening);
	}

}
