package dev.plasma.sync;

import org.junit.jupiter.api.Test;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;

import dev.plasma.mutation.MutationDeniedException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which permanent failures count as {@code denied}: Plasma's own exception and Spring Security's, with
 * their subclasses; everything else is an {@code error}.
 */
class FailureReasonTests {

	@Test
	void deniedExceptionsOfPlasmaAndSpringSecurityAreDenied() {
		assertThat(FailureReason.of(new MutationDeniedException("no"))).isEqualTo(FailureReason.DENIED);
		assertThat(FailureReason.of(new MutationDeniedException("no") {
		})).isEqualTo(FailureReason.DENIED);
		assertThat(FailureReason.of(new AccessDeniedException("no"))).isEqualTo(FailureReason.DENIED);
		assertThat(FailureReason.of(new AuthorizationDeniedException("no"))).isEqualTo(FailureReason.DENIED);
	}

	@Test
	void everyOtherFailureIsAnError() {
		assertThat(FailureReason.of(new IllegalArgumentException("bad"))).isEqualTo(FailureReason.ERROR);
		assertThat(FailureReason.of(new IllegalStateException(new MutationDeniedException("wrapped"))))
			.isEqualTo(FailureReason.ERROR);
		assertThat(FailureReason.DENIED.tag()).isEqualTo("denied");
	}

}
