package dev.plasma.web;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.plasma.clients.ClientGroups;
import dev.plasma.identity.SyncUserResolver;
import dev.plasma.sync.AccessDenial;
import dev.plasma.sync.SyncObserver;

/**
 * Who may make a sync request: resolves the request's user before its body is read (none: HTTP 401),
 * then, once the client group is known, lets only the group's owner use it (another user: HTTP 403; a
 * deleted group: {@code ClientStateNotFound}). Refusals are counted through the {@link SyncObserver}.
 */
public class SyncAccess {

	private static final Log logger = LogFactory.getLog(SyncAccess.class);

	private final SyncUserResolver resolver;

	private final ClientGroups clientGroups;

	private final SyncObserver observer;

	/**
	 * Creates the access check.
	 * @param resolver resolves the user of a request
	 * @param clientGroups the owners of client groups
	 * @param observer told about refusals
	 */
	public SyncAccess(SyncUserResolver resolver, ClientGroups clientGroups, SyncObserver observer) {
		this.resolver = resolver;
		this.clientGroups = clientGroups;
		this.observer = observer;
	}

	/**
	 * Resolves the user of a request; a resolver that throws counts as no user.
	 * @param request the request
	 * @return the user name, or {@code null} when the request is not authenticated
	 */
	@Nullable String user(HttpServletRequest request) {
		String user;
		try {
			user = this.resolver.resolve(request);
		}
		catch (RuntimeException ex) {
			logger.debug("Plasma: the SyncUserResolver failed; answering 401", ex);
			user = null;
		}
		if (user == null || user.isEmpty()) {
			this.observer.accessDenied(AccessDenial.UNAUTHENTICATED);
			return null;
		}
		return user;
	}

	/**
	 * Lets a user use a client group, claiming it when it is new.
	 * @param user the request's user
	 * @param clientGroupId the client group the request names
	 * @throws ForeignClientGroupException when the group belongs to another user
	 * @throws DeletedClientGroupException when the group was deleted
	 */
	void admit(String user, String clientGroupId) {
		switch (this.clientGroups.claim(clientGroupId, user)) {
			case FOREIGN -> {
				this.observer.accessDenied(AccessDenial.FOREIGN_GROUP);
				logger.info("Plasma: user " + SafeText.quote(user) + " was refused client group "
						+ SafeText.quote(clientGroupId) + " of another user");
				throw new ForeignClientGroupException();
			}
			case DELETED -> throw new DeletedClientGroupException();
			case OWNED -> {
			}
		}
	}

	/**
	 * A request for another user's client group.
	 */
	static final class ForeignClientGroupException extends RuntimeException {

		ForeignClientGroupException() {
			super("this client group belongs to another user; start a new client group", null, false, false);
		}

	}

	/**
	 * A request for a client group that was deleted for inactivity.
	 */
	static final class DeletedClientGroupException extends RuntimeException {

		DeletedClientGroupException() {
			super("this client group was deleted after a long inactivity; start a new client group", null, false,
					false);
		}

	}

}
