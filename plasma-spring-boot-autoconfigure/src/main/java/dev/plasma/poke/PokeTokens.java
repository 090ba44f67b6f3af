package dev.plasma.poke;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Short-lived tokens that let a browser open the WebSocket (browsers cannot set headers on one): issued
 * to an authenticated user by {@code POST {base}/ws-token}, good for one purpose (opening
 * {@code {base}/ws}) until they expire. A token is {@code base64url(user).expiry.base64url(mac)} with
 * {@code mac = HMAC-SHA256(secret, "plasma-ws|" + user + "|" + expiry)}: nothing is stored, so any
 * instance that knows the secret accepts it. Without a configured secret a random one is drawn per start,
 * and tokens work only on the instance that issued them.
 */
public final class PokeTokens {

	private static final String PURPOSE = "plasma-ws|";

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private final SecretKeySpec key;

	private final Duration lifetime;

	private final Clock clock;

	/**
	 * Creates the tokens.
	 * @param secret the signing secret, or {@code null}/empty for a random one
	 * @param lifetime how long a token is good
	 * @param clock the clock
	 */
	public PokeTokens(@Nullable String secret, Duration lifetime, Clock clock) {
		byte[] bytes;
		if (secret == null || secret.isEmpty()) {
			bytes = new byte[32];
			new SecureRandom().nextBytes(bytes);
		}
		else {
			bytes = secret.getBytes(StandardCharsets.UTF_8);
		}
		this.key = new SecretKeySpec(bytes, "HmacSHA256");
		this.lifetime = lifetime;
		this.clock = clock;
	}

	/**
	 * Returns how long a token is good.
	 * @return the lifetime
	 */
	public Duration lifetime() {
		return this.lifetime;
	}

	/**
	 * Issues a token for a user.
	 * @param user the authenticated user
	 * @return the token
	 */
	public String issue(String user) {
		long expiry = this.clock.instant().getEpochSecond() + this.lifetime.toSeconds();
		return ENCODER.encodeToString(user.getBytes(StandardCharsets.UTF_8)) + "." + expiry + "." + mac(user, expiry);
	}

	/**
	 * Returns the user of a valid, unexpired token.
	 * @param token the token, as the client sent it
	 * @return the user, or {@code null} when the token is malformed, forged or expired
	 */
	public @Nullable String verify(@Nullable String token) {
		if (token == null || token.length() > 2048) {
			return null;
		}
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			return null;
		}
		try {
			String user = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
			long expiry = Long.parseLong(parts[1]);
			boolean genuine = MessageDigest.isEqual(mac(user, expiry).getBytes(StandardCharsets.US_ASCII),
					parts[2].getBytes(StandardCharsets.US_ASCII));
			if (!genuine || expiry < this.clock.instant().getEpochSecond() || user.isEmpty()) {
				return null;
			}
			return user;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private String mac(String user, long expiry) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			return ENCODER.encodeToString(mac.doFinal((PURPOSE + user + "|" + expiry).getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
