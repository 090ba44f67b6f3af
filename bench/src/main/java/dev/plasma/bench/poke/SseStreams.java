package dev.plasma.bench.poke;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many Server-Sent Events streams on one {@link HttpClient}, read without a thread per stream (a line
 * subscriber each): every stream counts its {@code poke} events and remembers when the last one came.
 */
final class SseStreams {

	/** One open stream. */
	static final class Stream implements Flow.Subscriber<List<ByteBuffer>> {

		final int instance;

		final String user;

		final AtomicInteger pokes = new AtomicInteger();

		final AtomicLong lastPokeId = new AtomicLong(-1);

		final AtomicLong lastPokeAt = new AtomicLong();

		private Flow.Subscription subscription;

		private boolean poke;

		private long id = -1;

		private final StringBuilder line = new StringBuilder();

		Stream(int instance, String user) {
			this.instance = instance;
			this.user = user;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> buffers) {
			for (ByteBuffer buffer : buffers) {
				while (buffer.hasRemaining()) {
					char c = (char) (buffer.get() & 0xff);
					if (c == '\n') {
						line(this.line.toString());
						this.line.setLength(0);
					}
					else if (c != '\r') {
						this.line.append(c);
					}
				}
			}
		}

		private void line(String line) {
			if (line.isEmpty()) {
				if (this.poke) {
					this.lastPokeId.set(this.id);
					this.lastPokeAt.set(System.currentTimeMillis());
					this.pokes.incrementAndGet();
				}
				this.poke = false;
			}
			else if (line.startsWith("event:")) {
				this.poke = line.substring(6).trim().equals("poke");
			}
			else if (line.startsWith("id:")) {
				this.id = Long.parseLong(line.substring(3).trim());
			}
		}

		@Override
		public void onError(Throwable throwable) {
		}

		@Override
		public void onComplete() {
		}

		void cancel() {
			if (this.subscription != null) {
				this.subscription.cancel();
			}
		}

	}

	private final HttpClient http = HttpClient.newBuilder().build();

	private final List<Stream> streams = new ArrayList<>();

	/**
	 * Opens the streams: stream {@code i} for user {@code i % users}, on instance {@code (i / users) % ports},
	 * so each user's streams are spread over the instances.
	 */
	List<Stream> open(List<Integer> ports, int connections, int users) throws Exception {
		List<CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>>> pending = new ArrayList<>();
		for (int i = 0; i < connections; i++) {
			int instance = (i / users) % ports.size();
			Stream stream = new Stream(instance, "user" + (i % users));
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(instance) + "/plasma/poke"))
				.header("X-User", stream.user)
				.header("Accept", "text/event-stream")
				.build();
			pending.add(this.http.sendAsync(request, HttpResponse.BodyHandlers.ofPublisher()));
			this.streams.add(stream);
			if (pending.size() % 100 == 0) {
				Thread.sleep(20);
			}
		}
		for (int i = 0; i < pending.size(); i++) {
			HttpResponse<Flow.Publisher<List<ByteBuffer>>> response = pending.get(i).get(60, TimeUnit.SECONDS);
			if (response.statusCode() != 200) {
				throw new IllegalStateException("a poke stream was answered " + response.statusCode());
			}
			response.body().subscribe(this.streams.get(i));
		}
		return this.streams;
	}

	void close() {
		this.streams.forEach(Stream::cancel);
	}

}
