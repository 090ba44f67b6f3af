package dev.plasma.identity;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Resolves the user from Spring Security: the name of the current {@link Authentication}, or none when
 * there is no authentication, it is not authenticated, or it is Spring Security's anonymous one.
 * Plasma uses it when Spring Security is on the classpath and the application declares no
 * {@link SyncUserResolver} of its own; this class is loaded only then.
 */
public class SpringSecuritySyncUserResolver implements SyncUserResolver {

	private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

	@Override
	public @Nullable String resolve(HttpServletRequest request) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated() || this.trust.isAnonymous(authentication)) {
			return null;
		}
		String name = authentication.getName();
		return (name == null || name.isEmpty()) ? null : name;
	}

}
