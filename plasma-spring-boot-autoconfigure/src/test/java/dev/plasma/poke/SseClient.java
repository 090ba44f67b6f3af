package dev.plasma.poke;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Server-Sent Events client over {@code java.net.http}: collects the {@code poke} events of one stream.
 */
final class SseClient implements AutoCloseable {

	/** One event as received. */
	record Event(String name, String id, String data, long receivedAt) {
	}

	private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

	private final List<String> comments = new ArrayList<>();

	private final HttpResponse<Stream<String>> response;

	private SseClient(HttpResponse<Stream<String>> response) {
		this.response = response;
	}

	static SseClient open(HttpClient http, String url, String user, String lastEventId) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
		if (user != null) {
			request.header("X-User", user);
		}
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		HttpResponse<Stream<String>> response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
			.get(10, TimeUnit.SECONDS);
		SseClient client = new SseClient(response);
		if (response.statusCode() == 200) {
			Thread reader = new Thread(client::read, "sse-client");
			reader.setDaemon(true);
			reader.start();
		}
		return client;
	}

	int status() {
		return this.response.statusCode();
	}

	HttpResponse<Stream<String>> response() {
		return this.response;
	}

	private void read() {
		String name = null;
		String id = null;
		String data = null;
		try {
			for (String line : (Iterable<String>) this.response.body()::iterator) {
				if (line.isEmpty()) {
					if (name != null || data != null) {
						this.events.add(new Event(name, id, data, System.currentTimeMillis()));
					}
					name = null;
					id = null;
					data = null;
				}
				else if (line.startsWith(":")) {
					synchronized (this.comments) {
						this.comments.add(line);
					}
				}
				else if (line.startsWith("event:")) {
					name = value(line);
				}
				else if (line.startsWith("id:")) {
					id = value(line);
				}
				else if (line.startsWith("data:")) {
					data = value(line);
				}
			}
		}
		catch (RuntimeException ex) {
			// stream closed
		}
	}

	private static String value(String line) {
		String value = line.substring(line.indexOf(':') + 1);
		return value.startsWith(" ") ? value.substring(1) : value;
	}

	Event next(Duration timeout) throws InterruptedException {
		return this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	List<Event> drain(Duration quiet) throws InterruptedException {
		List<Event> all = new ArrayList<>();
		Event event;
		while ((event = next(quiet)) != null) {
			all.add(event);
		}
		return all;
	}

	List<String> comments() {
		synchronized (this.comments) {
			return List.copyOf(this.comments);
		}
	}

	@Override
	public void close() {
		this.response.body().close();
	}

}
