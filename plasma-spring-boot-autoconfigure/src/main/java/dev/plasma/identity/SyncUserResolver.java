package dev.plasma.identity;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Tells on whose behalf a sync request runs. Plasma asks it once per push and pull, before it reads the
 * request body; the answer decides who may use a client group and is what mutators see as
 * {@code MutationContext#userName()}.
 * <p>
 * With Spring Security on the classpath, Plasma's default resolver answers the name of the request's
 * {@code Authentication}. An application without Spring Security declares a bean of this type (for
 * example reading a header set by its own gateway). With neither, every request runs as
 * {@value #ANONYMOUS}.
 */
@FunctionalInterface
public interface SyncUserResolver {

	/** The user name of every request when the application has no way to tell users apart. */
	String ANONYMOUS = "anonymous";

	/**
	 * Resolves the user of a request.
	 * @param request the sync request
	 * @return the user name, or {@code null} when the request is not authenticated (answered with HTTP
	 * 401); a thrown exception is treated like {@code null}
	 */
	@Nullable String resolve(HttpServletRequest request);

}
