package dev.plasma.sample;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.sample.BlobHttp.Answer;
import dev.plasma.sample.JsonHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Todo attachments over real HTTP with the demo users, on one database: a file uploaded to
 * {@code /plasma/blobs/{sha256}} and attached with {@code attachFile} is downloaded by every member of the
 * todo's list and by nobody else (404), a mutation cannot claim a hash its user neither uploaded nor may
 * read, an attached file is not replaced (detach first), and uploads over 10 MB or of another type than
 * images and PDFs are refused, leaving nothing.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "plasma.clients.cleanup-cron=-")
abstract class AbstractAttachmentHttpTests {

	private static final long TEN_MEGABYTES = 10L * 1024 * 1024;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	private final Map<String, Long> mutationIds = new HashMap<>();

	/**
	 * Pushes mutations ({@code name}, {@code args} JSON pairs) natively as the user from the client group and
	 * returns their outcomes.
	 */
	private List<String> push(String user, String group, String... nameAndArgs) throws Exception {
		StringBuilder mutations = new StringBuilder();
		for (int i = 0; i < nameAndArgs.length; i += 2) {
			long id = this.mutationIds.merge(group, 1L, Long::sum);
			mutations.append((i > 0) ? "," : "")
				.append("{\"clientID\":\"c1\",\"id\":")
				.append(id)
				.append(",\"name\":\"")
				.append(nameAndArgs[i])
				.append("\",\"args\":")
				.append(nameAndArgs[i + 1])
				.append(",\"timestamp\":1}");
		}
		Response response = JsonHttp.postAs(user, this.port, "/plasma/push", "{\"pushVersion\":1,\"clientGroupID\":\""
				+ group + "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\",\"mutations\":[" + mutations + "]}");
		assertThat(response.status()).isEqualTo(200);
		return response.body().get("results").valueStream().map((result) -> result.get("outcome").stringValue()).toList();
	}

	private static String attach(String todoId, String hash, long size, String mime, String name) {
		return "{\"todoId\":\"" + todoId + "\",\"file\":{\"hash\":\"" + hash + "\",\"size\":" + size + ",\"mime\":\"" + mime
				+ "\",\"name\":\"" + name + "\"}}";
	}

	private static String detach(String todoId) {
		return "{\"todoId\":\"" + todoId + "\",\"file\":null}";
	}

	private static String createTodo(String id, String listId) {
		return "{\"id\":\"" + id + "\",\"text\":\"with a file\"" + ((listId != null) ? ",\"listId\":\"" + listId + "\"" : "")
				+ "}";
	}

	private String attachmentOf(String todoId) {
		return this.jdbc.queryForObject("SELECT attachment FROM todos WHERE id = ?", String.class, todoId);
	}

	private double denied() {
		return this.meters.get("plasma.push.failures").tag("reason", "denied").counter().count();
	}

	private long blobRows(String... hashes) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_blobs WHERE hash IN (?, ?, ?)", Long.class,
				(Object[]) hashes);
	}

	/**
	 * Pulls a full state natively as the user from a fresh client group and returns the todo's value.
	 */
	private JsonNode pulledTodo(String user, String group, String todoId) throws Exception {
		Response pull = JsonHttp.postAs(user, this.port, "/plasma/pull", "{\"pullVersion\":1,\"clientGroupID\":\"" + group
				+ "\",\"profileID\":\"p1\",\"schemaVersion\":\"1\",\"cookie\":null}");
		assertThat(pull.status()).isEqualTo(200);
		return pull.body()
			.get("patch")
			.valueStream()
			.filter((operation) -> ("todos/" + todoId).equals(operation.path("key").stringValue(null)))
			.map((operation) -> operation.get("value"))
			.findFirst()
			.orElse(null);
	}

	@Test
	void aFileAliceAttachesIsDownloadedByBobAMemberOfTheListAndIsA404ForCarolWhoIsNot() throws Exception {
		byte[] photo = BlobHttp.randomBytes(300_000, 11);
		String hash = BlobHttp.sha256(photo);
		assertThat(push("alice", "share-a", "createList", "{\"id\":\"att-shared\",\"name\":\"Photos\"}", "shareList",
				"{\"listId\":\"att-shared\",\"userName\":\"bob\"}", "createTodo", createTodo("att-1", "att-shared")))
			.containsOnly("applied");

		Answer upload = BlobHttp.put("alice", this.port, hash, "image/png", photo);
		List<String> attached = push("alice", "share-a", "attachFile", attach("att-1", hash, photo.length, "image/png", "photo.png"));

		assertThat(upload.status()).isEqualTo(201);
		assertThat(upload.json().get("state").stringValue()).isEqualTo("present");
		assertThat(attached).containsExactly("applied");
		JsonNode stored = JsonHttp.JSON.readTree(attachmentOf("att-1"));
		assertThat(stored.get("hash").stringValue()).isEqualTo(hash);
		assertThat(stored.get("size").longValue()).isEqualTo(photo.length);
		assertThat(stored.get("name").stringValue()).isEqualTo("photo.png");

		JsonNode bobsTodo = pulledTodo("bob", "share-b", "att-1");
		assertThat(bobsTodo).as("bob pulls the todo").isNotNull();
		assertThat(JsonHttp.JSON.readTree(bobsTodo.get("attachment").stringValue()).get("hash").stringValue()).isEqualTo(hash);
		Answer bobs = BlobHttp.get("bob", this.port, hash);
		assertThat(bobs.status()).isEqualTo(200);
		assertThat(bobs.body()).isEqualTo(photo);
		assertThat(bobs.contentType()).isEqualTo("image/png");

		assertThat(pulledTodo("carol", "share-c", "att-1")).as("carol never receives the todo").isNull();
		Answer carols = BlobHttp.get("carol", this.port, hash);
		assertThat(carols.status()).isEqualTo(404);
		assertThat(carols.json().get("error").stringValue()).isEqualTo("NotFound");
		assertThat(new String(carols.body(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("present");
	}

	@Test
	void aMutationReferencingAHashItsUserNeitherUploadedNorMayReadIsDeniedAndChangesNothing() throws Exception {
		byte[] secret = BlobHttp.randomBytes(50_000, 12);
		String hash = BlobHttp.sha256(secret);
		String neverUploaded = BlobHttp.sha256(BlobHttp.randomBytes(10, 13));
		assertThat(BlobHttp.put("alice", this.port, hash, "application/pdf", secret).status()).isEqualTo(201);
		assertThat(push("alice", "claim-a", "createTodo", createTodo("claim-alice", null), "attachFile",
				attach("claim-alice", hash, secret.length, "application/pdf", "secret.pdf")))
			.containsExactly("applied", "applied");
		assertThat(push("carol", "claim-c", "createTodo", createTodo("claim-carol", null))).containsExactly("applied");
		double deniedBefore = denied();

		List<String> claims = push("carol", "claim-c", "attachFile",
				attach("claim-carol", hash, secret.length, "application/pdf", "mine.pdf"), "attachFile",
				attach("claim-carol", neverUploaded, 10, "image/png", "ghost.png"));

		assertThat(claims).containsExactly("failed", "failed");
		assertThat(denied()).isEqualTo(deniedBefore + 2);
		assertThat(attachmentOf("claim-carol")).isNull();
		assertThat(BlobHttp.get("carol", this.port, hash).status()).as("still hidden from carol").isEqualTo(404);
		assertThat(BlobHttp.get("alice", this.port, hash).body()).isEqualTo(secret);
	}

	@Test
	void anAttachmentClaimingAnotherSizeOrTypeThanTheUploadedFileIsDenied() throws Exception {
		byte[] pdf = BlobHttp.randomBytes(30_000, 18);
		String hash = BlobHttp.sha256(pdf);
		assertThat(BlobHttp.put("alice", this.port, hash, "application/pdf", pdf).status()).isEqualTo(201);
		assertThat(push("alice", "claims-a", "createTodo", createTodo("claims-1", null))).containsExactly("applied");
		double deniedBefore = denied();

		List<String> lies = push("alice", "claims-a", "attachFile", attach("claims-1", hash, pdf.length, "image/png", "a.png"),
				"attachFile", attach("claims-1", hash, 1, "application/pdf", "a.pdf"));
		String afterLies = attachmentOf("claims-1");
		List<String> truth = push("alice", "claims-a", "attachFile",
				attach("claims-1", hash, pdf.length, "application/pdf", "a.pdf"));

		assertThat(lies).containsExactly("failed", "failed");
		assertThat(denied()).isEqualTo(deniedBefore + 2);
		assertThat(afterLies).isNull();
		assertThat(truth).containsExactly("applied");
		assertThat(attachmentOf("claims-1")).contains(hash, "application/pdf");
	}

	@Test
	void anAttachedFileIsNotReplacedButCanBeDetachedAndAnotherAttachedAndAMalformedReferenceFails() throws Exception {
		byte[] first = BlobHttp.randomBytes(20_000, 14);
		byte[] second = BlobHttp.randomBytes(20_000, 15);
		assertThat(BlobHttp.put("alice", this.port, BlobHttp.sha256(first), "image/jpeg", first).status()).isEqualTo(201);
		assertThat(BlobHttp.put("alice", this.port, BlobHttp.sha256(second), "image/jpeg", second).status()).isEqualTo(201);
		assertThat(push("alice", "swap-a", "createTodo", createTodo("swap-1", null), "attachFile",
				attach("swap-1", BlobHttp.sha256(first), first.length, "image/jpeg", "a.jpg")))
			.containsExactly("applied", "applied");

		List<String> replaced = push("alice", "swap-a", "attachFile",
				attach("swap-1", BlobHttp.sha256(second), second.length, "image/jpeg", "b.jpg"));
		String afterReplace = attachmentOf("swap-1");
		List<String> detached = push("alice", "swap-a", "attachFile", detach("swap-1"));
		String afterDetach = attachmentOf("swap-1");
		List<String> reattached = push("alice", "swap-a", "attachFile",
				attach("swap-1", BlobHttp.sha256(second), second.length, "image/jpeg", "b.jpg"));
		List<String> malformed = push("alice", "swap-a", "attachFile", attach("swap-1", "not-a-hash", 1, "image/png", "x.png"),
				"attachFile", attach("no-such-todo", BlobHttp.sha256(second), second.length, "image/jpeg", "b.jpg"));

		assertThat(replaced).containsExactly("failed");
		assertThat(afterReplace).contains(BlobHttp.sha256(first));
		assertThat(detached).containsExactly("applied");
		assertThat(afterDetach).isNull();
		assertThat(reattached).containsExactly("applied");
		assertThat(malformed).containsExactly("failed", "failed");
		assertThat(attachmentOf("swap-1")).contains(BlobHttp.sha256(second));
	}

	@Test
	void uploadsOverTenMegabytesOrOfATypeOtherThanImagesAndPdfsAreRefusedAndLeaveNothing() throws Exception {
		byte[] text = "plain text is not an attachment".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		byte[] big = BlobHttp.randomBytes(1000, 16);
		byte[] pdf = BlobHttp.randomBytes(1000, 17);

		Answer oversize = BlobHttp.put("alice", this.port, BlobHttp.sha256(big), "image/png", big, "Upload-Length",
				Long.toString(TEN_MEGABYTES + 1));
		Answer wrongType = BlobHttp.put("alice", this.port, BlobHttp.sha256(text), "text/plain", text);
		Answer accepted = BlobHttp.put("alice", this.port, BlobHttp.sha256(pdf), "application/pdf", pdf);

		assertThat(oversize.status()).isEqualTo(413);
		assertThat(oversize.json().get("error").stringValue()).isEqualTo("TooLarge");
		assertThat(oversize.json().get("message").stringValue()).contains(Long.toString(TEN_MEGABYTES));
		assertThat(wrongType.status()).isEqualTo(415);
		assertThat(wrongType.json().get("error").stringValue()).isEqualTo("TypeNotAllowed");
		assertThat(wrongType.json().get("message").stringValue()).contains("text/plain");
		assertThat(accepted.status()).isEqualTo(201);
		assertThat(blobRows(BlobHttp.sha256(big), BlobHttp.sha256(text), BlobHttp.sha256(pdf))).isEqualTo(1);
		assertThat(BlobHttp.head("alice", this.port, BlobHttp.sha256(big)).status()).isEqualTo(404);
		assertThat(BlobHttp.head("alice", this.port, BlobHttp.sha256(text)).status()).isEqualTo(404);
	}

}
