package dev.plasma.web;

import java.io.IOException;

import org.springframework.web.servlet.function.ServerResponse.SseBuilder;

import dev.plasma.poke.PokeConnection;
import dev.plasma.poke.PokeTransport;

/**
 * A poke connection over Server-Sent Events: a poke is {@code event: poke}, {@code id: <head>},
 * {@code data: {"version":<head>}}; a heartbeat is the comment {@code : hb}.
 */
final class SsePokeConnection extends PokeConnection {

	private final SseBuilder sse;

	SsePokeConnection(String user, SseBuilder sse) {
		super(user, PokeTransport.SSE);
		this.sse = sse;
	}

	@Override
	protected void sendPoke(long version) throws IOException {
		this.sse.id(Long.toString(version)).event("poke").data("{\"version\":" + version + "}");
	}

	@Override
	protected void sendHeartbeat() throws IOException {
		this.sse.comment(" hb").send();
	}

	@Override
	protected void end() {
		try {
			this.sse.complete();
		}
		catch (RuntimeException ex) {
			// the response is gone already
		}
	}

}
