package dev.plasma.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.blob.BlobAccess;
import dev.plasma.blob.BlobRecord;
import dev.plasma.blob.BlobUploads;
import dev.plasma.blob.UploadProgress;
import dev.plasma.blob.UploadRefusedException;

/**
 * Serves {@code {base}/blobs/{sha256}}: {@code PUT} uploads a blob (the body, its {@code Content-Type} and
 * {@code Content-Length}), {@code HEAD} tells how many bytes of it arrived ({@code Upload-Offset}, as in the
 * tus protocol), {@code PATCH} with {@code Upload-Offset} and {@code Content-Type:
 * application/offset+octet-stream} continues an upload, and {@code GET} downloads it (one {@code Range}
 * supported) for a user who uploaded it or may read a row referencing it; 404 for everyone else. Requests
 * are authenticated like sync requests (401 without a user) and pass the {@link ConnectionGate}. Errors
 * are JSON {@code {"error": ..., "message": ...}}.
 * <p>
 * Every answer to {@code PUT}, {@code HEAD}, {@code PATCH} and {@code OPTIONS} carries {@code Tus-Resumable:
 * 1.0.0}; a {@code PUT}, {@code HEAD} or {@code PATCH} whose {@code Tus-Resumable} names another version is
 * answered 412 with {@code Tus-Version}, and nothing else happens.
 */
public class BlobHandler {

	private static final Log logger = LogFactory.getLog(BlobHandler.class);

	private static final String UPLOAD_OFFSET = "Upload-Offset";

	private static final String UPLOAD_LENGTH = "Upload-Length";

	private static final String TUS_RESUMABLE = "Tus-Resumable";

	private static final String TUS_VERSION = "1.0.0";

	private static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";

	private final SyncResponses responses;

	private final BlobUploads uploads;

	private final BlobAccess access;

	private final SyncAccess syncAccess;

	private final ConnectionGate gate;

	/**
	 * Creates the handler.
	 * @param jsonMapper writes the JSON answers
	 * @param uploads receives uploads
	 * @param access decides downloads
	 * @param syncAccess resolves the request's user
	 * @param gate keeps requests from waiting on an unreachable database
	 */
	public BlobHandler(JsonMapper jsonMapper, BlobUploads uploads, BlobAccess access, SyncAccess syncAccess,
			ConnectionGate gate) {
		this.responses = new SyncResponses(jsonMapper);
		this.uploads = uploads;
		this.access = access;
		this.syncAccess = syncAccess;
		this.gate = gate;
	}

	/**
	 * Handles {@code PUT}.
	 * @param request the request
	 * @return the response
	 */
	public ServerResponse put(ServerRequest request) {
		return handle(request, true, (user, hash) -> {
			HttpServletRequest servlet = request.servletRequest();
			long length = headerLong(request, UPLOAD_LENGTH, servlet.getContentLengthLong());
			String mime = Optional.ofNullable(servlet.getContentType()).orElse(MediaType.APPLICATION_OCTET_STREAM_VALUE);
			UploadProgress progress = this.uploads.put(user, hash, mime, length, servlet.getInputStream());
			HttpStatus status = progress.stored() ? HttpStatus.CREATED
					: progress.complete() ? HttpStatus.OK : HttpStatus.ACCEPTED;
			return progress(status, hash, progress);
		});
	}

	/**
	 * Handles {@code OPTIONS {base}/blobs}: the tus protocol's discovery, unauthenticated. Plasma speaks
	 * tus 1.0.0's core (HEAD and PATCH) and no extension: an upload starts with {@code PUT}.
	 * @param request the request
	 * @return 204 with {@code Tus-Resumable}, {@code Tus-Version} and {@code Tus-Max-Size}
	 */
	public ServerResponse options(ServerRequest request) {
		return ServerResponse.noContent()
			.header(TUS_RESUMABLE, TUS_VERSION)
			.header("Tus-Version", TUS_VERSION)
			.header("Tus-Max-Size", Long.toString(this.uploads.maxSize()))
			.header(HttpHeaders.ALLOW, "OPTIONS, PUT, HEAD, PATCH, GET")
			.build();
	}

	/**
	 * Handles {@code PATCH}.
	 * @param request the request
	 * @return the response
	 */
	public ServerResponse patch(ServerRequest request) {
		return handle(request, true, (user, hash) -> {
			if (!isOffsetOctetStream(request)) {
				return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType",
						"a PATCH sends its bytes with Content-Type: application/offset+octet-stream (tus 1.0.0)", true);
			}
			long offset = headerLong(request, UPLOAD_OFFSET, -1);
			if (offset < 0) {
				return error(HttpStatus.BAD_REQUEST, "BadRequest", "send the Upload-Offset header (from HEAD)", true);
			}
			UploadProgress progress = this.uploads.patch(user, hash, offset, request.servletRequest().getInputStream());
			return progress(HttpStatus.OK, hash, progress);
		});
	}

	/**
	 * Handles {@code HEAD}.
	 * @param request the request
	 * @return the response
	 */
	public ServerResponse head(ServerRequest request) {
		return handle(request, true, (user, hash) -> this.uploads.head(user, hash)
			.map((progress) -> tus(ServerResponse.ok()).header(UPLOAD_OFFSET, Long.toString(progress.offset()))
				.header(UPLOAD_LENGTH, Long.toString(progress.size()))
				.header(HttpHeaders.CACHE_CONTROL, "no-store")
				.build())
			.orElseGet(() -> tus(ServerResponse.status(HttpStatus.NOT_FOUND)).header(HttpHeaders.CACHE_CONTROL, "no-store")
				.build()));
	}

	/**
	 * Handles {@code GET}.
	 * @param request the request
	 * @return the response
	 */
	public ServerResponse get(ServerRequest request) {
		return handle(request, false, (user, hash) -> {
			Optional<BlobRecord> blob = this.access.readable(user, hash);
			if (blob.isEmpty()) {
				return error(HttpStatus.NOT_FOUND, "NotFound", "no such blob", false);
			}
			long size = blob.get().size();
			ByteRange range = ByteRange.parse(request.headers().firstHeader(HttpHeaders.RANGE), size);
			if (range == ByteRange.UNSATISFIABLE) {
				return ServerResponse.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
					.header(HttpHeaders.CONTENT_RANGE, "bytes */" + size)
					.build();
			}
			ServerResponse.BodyBuilder builder = ServerResponse.status((range != null) ? HttpStatus.PARTIAL_CONTENT : HttpStatus.OK)
				.contentType(MediaType.parseMediaType(blob.get().mime()))
				.eTag("\"" + hash + "\"")
				.header(HttpHeaders.CACHE_CONTROL, "private, immutable")
				.header(HttpHeaders.ACCEPT_RANGES, "bytes");
			long start = (range != null) ? range.start() : 0;
			long length = (range != null) ? range.length() : size;
			if (range != null) {
				builder.header(HttpHeaders.CONTENT_RANGE, "bytes " + start + "-" + (start + length - 1) + "/" + size);
			}
			builder.contentLength(length);
			InputStream bytes = this.access.open(hash, start, length);
			return builder.build((servletRequest, response) -> {
				try (InputStream in = bytes; OutputStream out = response.getOutputStream()) {
					long copied = copy(in, out, length);
					this.access.downloaded(copied);
				}
				return null;
			});
		});
	}

	private static long copy(InputStream in, OutputStream out, long length) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		long remaining = length;
		while (remaining > 0) {
			int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
			if (n < 0) {
				break;
			}
			out.write(buffer, 0, n);
			remaining -= n;
		}
		return length - remaining;
	}

	private ServerResponse progress(HttpStatus status, String hash, UploadProgress progress) {
		return tus(ServerResponse.status(status)).header(UPLOAD_OFFSET, Long.toString(progress.offset()))
			.header(UPLOAD_LENGTH, Long.toString(progress.size()))
			.contentType(MediaType.APPLICATION_JSON)
			.body(("{\"hash\":\"" + hash + "\",\"state\":\"" + progress.state().name().toLowerCase(java.util.Locale.ROOT)
					+ "\",\"offset\":" + progress.offset() + ",\"size\":" + progress.size() + "}").getBytes(
							java.nio.charset.StandardCharsets.UTF_8));
	}

	/**
	 * Runs an action for the request's user; {@code tus}: the request is one of the tus protocol's, so
	 * every answer carries {@code Tus-Resumable} and a request for another version is refused first.
	 */
	private ServerResponse handle(ServerRequest request, boolean tus, Action action) {
		String version = request.headers().firstHeader(TUS_RESUMABLE);
		if (tus && version != null && !TUS_VERSION.equals(version.trim())) {
			return tus(ServerResponse.status(HttpStatus.PRECONDITION_FAILED)).header("Tus-Version", TUS_VERSION)
				.contentType(MediaType.APPLICATION_JSON)
				.body(this.responses.error("UnsupportedTusVersion",
						"this server speaks tus " + TUS_VERSION + " only (Tus-Version); send Tus-Resumable: " + TUS_VERSION));
		}
		String user = this.syncAccess.user(request.servletRequest());
		if (user == null) {
			return error(HttpStatus.UNAUTHORIZED, "Unauthorized",
					"the request is not authenticated; send credentials (an Authorization header)", tus);
		}
		String hash = request.pathVariable("hash");
		try {
			this.gate.enter();
			ServerResponse response = action.apply(user, hash);
			this.gate.answered();
			return response;
		}
		catch (UploadRefusedException ex) {
			ServerResponse.BodyBuilder builder = status(status(ex.reason()), tus);
			if (ex.offset() >= 0) {
				builder.header(UPLOAD_OFFSET, Long.toString(ex.offset()));
			}
			return builder.contentType(MediaType.APPLICATION_JSON).body(this.responses.error(name(ex.reason()), ex.getMessage()));
		}
		catch (NumberFormatException ex) {
			return error(HttpStatus.BAD_REQUEST, "BadRequest", "a length or offset header is not a number", tus);
		}
		catch (DatabaseUnavailableException ex) {
			return status(HttpStatus.SERVICE_UNAVAILABLE, tus)
				.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfter().toSeconds()))
				.contentType(MediaType.APPLICATION_JSON)
				.body(this.responses.error("Unavailable", ex.getMessage()));
		}
		catch (DataAccessException | IOException | UncheckedIOException ex) {
			this.gate.failed();
			logger.warn("Plasma: blob request failed: " + SafeText.quote(String.valueOf(ex.getMessage())));
			return status(HttpStatus.SERVICE_UNAVAILABLE, tus)
				.header(HttpHeaders.RETRY_AFTER, Long.toString(this.gate.retryAfter().toSeconds()))
				.contentType(MediaType.APPLICATION_JSON)
				.body(this.responses.error("Unavailable", "the blob store is unavailable; retry later"));
		}
	}

	private static HttpStatus status(UploadRefusedException.Reason reason) {
		return switch (reason) {
			case BAD_HASH, HASH_MISMATCH, BROKEN_OFF -> HttpStatus.BAD_REQUEST;
			case LENGTH_REQUIRED -> HttpStatus.LENGTH_REQUIRED;
			case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
			case TYPE_NOT_ALLOWED -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
			case OFFSET_MISMATCH, IN_PROGRESS -> HttpStatus.CONFLICT;
			case NOT_FOUND -> HttpStatus.NOT_FOUND;
		};
	}

	private static String name(UploadRefusedException.Reason reason) {
		StringBuilder name = new StringBuilder();
		for (String word : reason.name().split("_")) {
			name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
		}
		return name.toString();
	}

	private static long headerLong(ServerRequest request, String header, long fallback) {
		String value = request.headers().firstHeader(header);
		return (value != null) ? Long.parseLong(value.trim()) : fallback;
	}

	private static boolean isOffsetOctetStream(ServerRequest request) {
		String type = request.headers().firstHeader(HttpHeaders.CONTENT_TYPE);
		if (type == null) {
			return false;
		}
		int semicolon = type.indexOf(';');
		return OFFSET_OCTET_STREAM.equalsIgnoreCase(((semicolon < 0) ? type : type.substring(0, semicolon)).trim());
	}

	private static ServerResponse.BodyBuilder tus(ServerResponse.BodyBuilder builder) {
		return builder.header(TUS_RESUMABLE, TUS_VERSION);
	}

	private static ServerResponse.BodyBuilder status(HttpStatus status, boolean tus) {
		ServerResponse.BodyBuilder builder = ServerResponse.status(status);
		return tus ? tus(builder) : builder;
	}

	private ServerResponse error(HttpStatus status, String error, String message, boolean tus) {
		return status(status, tus).contentType(MediaType.APPLICATION_JSON).body(this.responses.error(error, message));
	}

	@FunctionalInterface
	private interface Action {

		ServerResponse apply(String user, String hash) throws IOException;

	}

}
