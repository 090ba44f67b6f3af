package dev.plasma.poke;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket tokens: accepted by any holder of the secret until they expire; forged, tampered, expired and
 * malformed tokens are refused.
 */
class PokeTokensTests {

	private static final String SECRET = "0123456789abcdef0123456789abcdef";

	private final Instant now = Instant.parse("2026-12-02T06:00:00Z");

	private PokeTokens at(Instant instant) {
		return new PokeTokens(SECRET, Duration.ofSeconds(60), Clock.fixed(instant, ZoneOffset.UTC));
	}

	@Test
	void aTokenIsAcceptedByAnotherInstanceWithTheSameSecretUntilItExpires() {
		String token = at(this.now).issue("alice");
		assertThat(at(this.now.plusSeconds(59)).verify(token)).isEqualTo("alice");
		assertThat(at(this.now.plusSeconds(61)).verify(token)).isNull();
	}

	@Test
	void forgedTamperedAndMalformedTokensAreRefused() {
		String token = at(this.now).issue("alice");
		String[] parts = token.split("\\.");
		String asBob = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("bob".getBytes()) + "." + parts[1]
				+ "." + parts[2];
		assertThat(at(this.now).verify(asBob)).isNull();
		assertThat(at(this.now).verify(parts[0] + "." + (Long.parseLong(parts[1]) + 3600) + "." + parts[2])).isNull();
		assertThat(new PokeTokens("another-secret-0123456789abcdef01", Duration.ofSeconds(60),
				Clock.fixed(this.now, ZoneOffset.UTC)).verify(token)).isNull();
		assertThat(at(this.now).verify(null)).isNull();
		assertThat(at(this.now).verify("not a token")).isNull();
		assertThat(at(this.now).verify("a.b.c")).isNull();
	}

	@Test
	void withoutASecretEachInstanceDrawsItsOwn() {
		PokeTokens first = new PokeTokens(null, Duration.ofSeconds(60), Clock.systemUTC());
		PokeTokens second = new PokeTokens("", Duration.ofSeconds(60), Clock.systemUTC());
		assertThat(first.verify(first.issue("alice"))).isEqualTo("alice");
		assertThat(second.verify(first.issue("alice"))).isNull();
	}

}
