package dev.plasma.bench.sync;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the sample app's Micrometer meters through {@code /actuator/metrics}, to split a latency seen by
 * the load generator into time spent in the server and time spent elsewhere (client threads, the
 * network stack, the scheduler of a machine with two cores). Every read is best effort: a meter that
 * does not exist reads as {@code null}. Reads go as the sample app's {@code admin} (the Actuator beyond
 * {@code /actuator/health} needs that role).
 */
final class ServerMetrics {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final URI baseUrl;

	ServerMetrics(URI baseUrl) {
		this.baseUrl = baseUrl;
	}

	/**
	 * Returns whether {@code /actuator/health} answers {@code UP}.
	 * @return whether the app is up
	 */
	boolean healthy() {
		JsonNode health = get("/actuator/health");
		return health != null && "UP".equals(health.path("status").asString(""));
	}

	/**
	 * Reads a timer's count, total time and decaying max.
	 * @param name the meter name
	 * @param tag a {@code key:value} tag filter, or {@code null}
	 * @return the reading, or {@code null} when there is no such meter
	 */
	TimerReading timer(String name, String tag) {
		JsonNode meter = get("/actuator/metrics/" + name
				+ ((tag != null) ? "?tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8) : ""));
		if (meter == null) {
			return null;
		}
		return new TimerReading(statistic(meter, "COUNT"), statistic(meter, "TOTAL_TIME"), statistic(meter, "MAX"));
	}

	/**
	 * Reads a gauge or counter value ({@code VALUE} or {@code COUNT}).
	 * @param name the meter name
	 * @return the value, or {@code null} when there is no such meter
	 */
	Double value(String name) {
		JsonNode meter = get("/actuator/metrics/" + name);
		if (meter == null) {
			return null;
		}
		double value = statistic(meter, "VALUE");
		return Double.isNaN(value) ? statistic(meter, "COUNT") : value;
	}

	private static double statistic(JsonNode meter, String statistic) {
		for (JsonNode measurement : meter.path("measurements")) {
			if (statistic.equals(measurement.path("statistic").asString(""))) {
				return measurement.path("value").asDouble();
			}
		}
		return Double.NaN;
	}

	private JsonNode get(String path) {
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(this.baseUrl.resolve(path))
						.timeout(Duration.ofSeconds(5))
						.header("Authorization", SimulatedClient.basic("admin"))
						.GET()
						.build(),
					HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? JSON.readTree(response.body()) : null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			return null;
		}
	}

	/**
	 * One reading of a timer; seconds are Micrometer's base unit on {@code /actuator/metrics}.
	 * @param count recorded events
	 * @param totalSeconds their total duration
	 * @param maxSeconds the decaying maximum (recent events only)
	 */
	record TimerReading(double count, double totalSeconds, double maxSeconds) {

		/**
		 * Describes what happened between an earlier reading and this one.
		 * @param before the earlier reading, or {@code null}
		 * @return the mean time per event in that window, and the recent max
		 */
		String since(TimerReading before) {
			double events = this.count - ((before != null) ? before.count : 0);
			double seconds = this.totalSeconds - ((before != null) ? before.totalSeconds : 0);
			if (events <= 0) {
				return "no events";
			}
			return String.format(Locale.ROOT, "mean %.2f ms over %.0f events, recent max %.1f ms", seconds * 1000 / events,
					events, this.maxSeconds * 1000);
		}

	}

}
