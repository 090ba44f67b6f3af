package dev.plasma.identity;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Runs every request as {@value SyncUserResolver#ANONYMOUS}: the behaviour of an application that has
 * neither Spring Security nor a resolver of its own. Every client group then belongs to that one user.
 */
public class AnonymousSyncUserResolver implements SyncUserResolver {

	@Override
	public String resolve(HttpServletRequest request) {
		return ANONYMOUS;
	}

}
