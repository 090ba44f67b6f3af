package dev.plasma.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * An event stream with {@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no} (so proxies such
 * as nginx pass events on at once); the functional {@link ServerResponse#sse} response has no way to add
 * headers of its own.
 */
final class UnbufferedStreamResponse implements ServerResponse {

	private final ServerResponse stream;

	UnbufferedStreamResponse(ServerResponse stream) {
		this.stream = stream;
	}

	@Override
	public HttpStatusCode statusCode() {
		return this.stream.statusCode();
	}

	@Override
	public HttpHeaders headers() {
		return this.stream.headers();
	}

	@Override
	public MultiValueMap<String, Cookie> cookies() {
		return this.stream.cookies();
	}

	@Override
	public ModelAndView writeTo(HttpServletRequest request, HttpServletResponse response, Context context)
			throws ServletException, java.io.IOException {
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
		response.setHeader("X-Accel-Buffering", "no");
		return this.stream.writeTo(request, response, context);
	}

}
