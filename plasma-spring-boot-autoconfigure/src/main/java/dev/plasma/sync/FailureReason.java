package dev.plasma.sync;

import java.util.Locale;

/**
 * Why a pushed mutation failed permanently.
 */
public enum FailureReason {

	/** The user may not make it: the mutator threw {@code MutationDeniedException} or Spring Security's
	 * {@code AccessDeniedException}. */
	DENIED,

	/** Any other permanent failure: the mutator threw, its args did not bind, its name is unknown. */
	ERROR;

	/**
	 * Returns the lower-case name used in metrics.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Classifies a mutator's failure. Spring Security's exception is recognised by its class name, so that
	 * Spring Security need not be on the classpath.
	 * @param failure the failure
	 * @return the reason
	 */
	static FailureReason of(Throwable failure) {
		for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
			if (type == dev.plasma.mutation.MutationDeniedException.class
					|| "org.springframework.security.access.AccessDeniedException".equals(type.getName())) {
				return DENIED;
			}
		}
		return ERROR;
	}

}
