package dev.plasma.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.util.unit.DataSize;

import dev.plasma.region.RegionIds;

/**
 * Configuration properties for Plasma.
 */
@ConfigurationProperties("plasma")
public class PlasmaProperties {

	/**
	 * Tables to sync, by table name: the name the table is stored under, or its unquoted name as the
	 * database folds it (upper case on H2, lower case on PostgreSQL). Each is synced unless marked
	 * change-log-suppressed; two names of one table, or an unknown key under a table, stop the start.
	 */
	private Map<String, Table> tables = new LinkedHashMap<>();

	/**
	 * Client schema versions accepted by push and pull. Empty accepts any.
	 */
	private Set<String> acceptedSchemaVersions = new LinkedHashSet<>();

	private final Schema schema = new Schema();

	private final Sequencer sequencer = new Sequencer();

	private final Region region = new Region();

	private final Web web = new Web();

	private final Push push = new Push();

	private final Pull pull = new Pull();

	private final Compaction compaction = new Compaction();

	private final Health health = new Health();

	private final Clients clients = new Clients();

	private final Access access = new Access();

	private final Blobs blobs = new Blobs();

	private final ReadReplica readReplica = new ReadReplica();

	private final Poke poke = new Poke();

	public PlasmaProperties() {
		this.push.web = this.web;
	}

	public Region getRegion() {
		return this.region;
	}

	public Map<String, Table> getTables() {
		return this.tables;
	}

	public void setTables(Map<String, Table> tables) {
		this.tables = tables;
	}

	@Deprecated(since = "0.1.0")
	@DeprecatedConfigurationProperty(replacement = "plasma.web.base-path", since = "0.1.0")
	public String getBasePath() {
		return this.web.getBasePath();
	}

	@Deprecated(since = "0.1.0")
	public void setBasePath(String basePath) {
		this.web.setDeprecatedBasePath(basePath);
	}

	public Set<String> getAcceptedSchemaVersions() {
		return this.acceptedSchemaVersions;
	}

	public void setAcceptedSchemaVersions(Set<String> acceptedSchemaVersions) {
		this.acceptedSchemaVersions = acceptedSchemaVersions;
	}

	public Web getWeb() {
		return this.web;
	}

	public Push getPush() {
		return this.push;
	}

	public Pull getPull() {
		return this.pull;
	}

	public Schema getSchema() {
		return this.schema;
	}

	public Sequencer getSequencer() {
		return this.sequencer;
	}

	public Compaction getCompaction() {
		return this.compaction;
	}

	public Blobs getBlobs() {
		return this.blobs;
	}

	public Access getAccess() {
		return this.access;
	}

	public Health getHealth() {
		return this.health;
	}

	public ReadReplica getReadReplica() {
		return this.readReplica;
	}

	public Clients getClients() {
		return this.clients;
	}

	public Poke getPoke() {
		return this.poke;
	}

	/**
	 * The sync endpoints over HTTP.
	 */
	public static class Web {

		/**
		 * Path under which the sync endpoints are served ({base-path}/push, {base-path}/pull and
		 * {base-path}/replicache/push|pull).
		 */
		private String basePath = "/plasma";

		/**
		 * Largest accepted push request body; larger ones are answered with HTTP 413.
		 */
		private DataSize maxPushBodySize = DataSize.ofMegabytes(1);

		private boolean basePathSet;

		private boolean maxPushBodySizeSet;

		/**
		 * Largest accepted pull request body; larger ones are answered with HTTP 413.
		 */
		private DataSize maxPullBodySize = DataSize.ofKilobytes(64);

		/**
		 * Longest a sync request waits for a database connection when the database has not answered
		 * recently; beyond it the request is answered with HTTP 503 and Retry-After.
		 */
		private Duration connectionWait = Duration.ofSeconds(2);

		/**
		 * How long sync requests are answered with HTTP 503 at once after the database failed to give a
		 * connection within connection-wait; sent as the Retry-After header.
		 */
		private Duration retryAfter = Duration.ofSeconds(5);

		private final Cors cors = new Cors();

		public String getBasePath() {
			return this.basePath;
		}

		public void setBasePath(String basePath) {
			requirePath("base-path", basePath);
			this.basePath = basePath;
			this.basePathSet = true;
		}

		public DataSize getMaxPushBodySize() {
			return this.maxPushBodySize;
		}

		public void setMaxPushBodySize(DataSize maxPushBodySize) {
			requirePositive("max-push-body-size", maxPushBodySize.toBytes());
			this.maxPushBodySize = maxPushBodySize;
			this.maxPushBodySizeSet = true;
		}

		/**
		 * Applies {@code plasma.base-path} unless {@code plasma.web.base-path} is set.
		 */
		void setDeprecatedBasePath(String basePath) {
			requirePath("base-path", basePath);
			if (!this.basePathSet) {
				this.basePath = basePath;
			}
		}

		/**
		 * Applies {@code plasma.push.max-body-size} unless {@code plasma.web.max-push-body-size} is set.
		 */
		void setDeprecatedMaxPushBodySize(DataSize maxBodySize) {
			requirePositive("max-body-size", maxBodySize.toBytes());
			if (!this.maxPushBodySizeSet) {
				this.maxPushBodySize = maxBodySize;
			}
		}

		public DataSize getMaxPullBodySize() {
			return this.maxPullBodySize;
		}

		public void setMaxPullBodySize(DataSize maxPullBodySize) {
			requirePositive("max-pull-body-size", maxPullBodySize.toBytes());
			this.maxPullBodySize = maxPullBodySize;
		}

		public Duration getConnectionWait() {
			return this.connectionWait;
		}

		public void setConnectionWait(Duration connectionWait) {
			requirePositive("connection-wait", connectionWait.toMillis());
			this.connectionWait = connectionWait;
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			requirePositive("retry-after", retryAfter.toSeconds());
			this.retryAfter = retryAfter;
		}

		public Cors getCors() {
			return this.cors;
		}

	}

	/**
	 * Cross-origin requests to the sync endpoints from browser clients served by another origin. Off
	 * while no origin is allowed.
	 */
	public static class Cors {

		/**
		 * Origins allowed to call the sync endpoints, such as https://app.example.com; "*" allows any
		 * (not together with allow-credentials). Empty allows none: CORS is off.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * Origin patterns allowed to call the sync endpoints, such as https://*.example.com.
		 */
		private List<String> allowedOriginPatterns = new ArrayList<>();

		/**
		 * Request headers a browser client may send.
		 */
		private List<String> allowedHeaders = new ArrayList<>(
				List.of("Content-Type", "Authorization", "X-Replicache-RequestID"));

		/**
		 * Whether browsers may send credentials (cookies, HTTP authentication) with cross-origin requests.
		 */
		private boolean allowCredentials;

		/**
		 * How long browsers may cache the answer to a preflight request.
		 */
		private Duration maxAge = Duration.ofMinutes(30);

		public List<String> getAllowedOrigins() {
			return this.allowedOrigins;
		}

		public void setAllowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
		}

		public List<String> getAllowedOriginPatterns() {
			return this.allowedOriginPatterns;
		}

		public void setAllowedOriginPatterns(List<String> allowedOriginPatterns) {
			this.allowedOriginPatterns = allowedOriginPatterns;
		}

		public List<String> getAllowedHeaders() {
			return this.allowedHeaders;
		}

		public void setAllowedHeaders(List<String> allowedHeaders) {
			this.allowedHeaders = allowedHeaders;
		}

		public boolean isAllowCredentials() {
			return this.allowCredentials;
		}

		public void setAllowCredentials(boolean allowCredentials) {
			this.allowCredentials = allowCredentials;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			requireNotNegative("max-age", maxAge);
			this.maxAge = maxAge;
		}

		/**
		 * Returns whether any origin is allowed.
		 * @return {@code true} when CORS is on
		 */
		public boolean hasAllowedOrigins() {
			return !this.allowedOrigins.isEmpty() || !this.allowedOriginPatterns.isEmpty();
		}

	}

	/**
	 * Push endpoint settings.
	 */
	public static class Push {

		/**
		 * Most mutations accepted in one push; a push with more is answered with HTTP 413.
		 */
		private int maxMutations = 1000;

		private Web web;

		public int getMaxMutations() {
			return this.maxMutations;
		}

		public void setMaxMutations(int maxMutations) {
			requirePositive("max-mutations", maxMutations);
			this.maxMutations = maxMutations;
		}

		@Deprecated(since = "0.1.0")
		@DeprecatedConfigurationProperty(replacement = "plasma.web.max-push-body-size", since = "0.1.0")
		public DataSize getMaxBodySize() {
			return this.web.getMaxPushBodySize();
		}

		@Deprecated(since = "0.1.0")
		public void setMaxBodySize(DataSize maxBodySize) {
			this.web.setDeprecatedMaxPushBodySize(maxBodySize);
		}

	}

	/**
	 * Pull endpoint settings.
	 */
	public static class Pull {

		/**
		 * Most change-log entries read for one incremental pull; with more waiting, the native protocol
		 * answers hasMore=true and the Replicache adapter sets the key plasma:hasMore.
		 */
		private int maxChanges = 10_000;

		/**
		 * Size budget of one incremental pull's changes (table names, row IDs and row JSON); a page ends
		 * with the change that reaches it, or at max-changes, whichever comes first.
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(4);

		public int getMaxChanges() {
			return this.maxChanges;
		}

		public void setMaxChanges(int maxChanges) {
			requirePositive("max-changes", maxChanges);
			this.maxChanges = maxChanges;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			requirePositive("max-bytes", maxBytes.toBytes());
			this.maxBytes = maxBytes;
		}

	}

	/**
	 * One declared table.
	 */
	public static class Table {

		/**
		 * Whether writes to the table are never captured nor sent to clients (a local scratch table).
		 */
		private boolean changeLogSuppressed;

		/**
		 * Which rows a user may read; none set means every row is readable by everyone.
		 */
		private Read read;

		/**
		 * File columns of the table, by column name: each holds a JSON reference to an uploaded blob.
		 */
		private Map<String, File> files = new LinkedHashMap<>();

		public Map<String, File> getFiles() {
			return this.files;
		}

		public void setFiles(Map<String, File> files) {
			this.files = files;
		}

		public boolean isChangeLogSuppressed() {
			return this.changeLogSuppressed;
		}

		public void setChangeLogSuppressed(boolean changeLogSuppressed) {
			this.changeLogSuppressed = changeLogSuppressed;
		}

		public Read getRead() {
			return this.read;
		}

		public void setRead(Read read) {
			this.read = read;
		}

	}

	/**
	 * The read rule of a table: either column and grant, or user-column.
	 */
	public static class Read {

		/**
		 * Column whose value must be in the grant set for a row to be readable.
		 */
		private String column;

		/**
		 * Grant set (under plasma.access.grants, or a GrantResolver bean) the column's value must be in.
		 */
		private String grant;

		/**
		 * Column whose value must equal the user's name for a row to be readable (an owner rule).
		 */
		private String userColumn;

		public String getColumn() {
			return this.column;
		}

		public void setColumn(String column) {
			this.column = column;
		}

		public String getGrant() {
			return this.grant;
		}

		public void setGrant(String grant) {
			this.grant = grant;
		}

		public String getUserColumn() {
			return this.userColumn;
		}

		public void setUserColumn(String userColumn) {
			this.userColumn = userColumn;
		}

	}

	/**
	 * Read access.
	 */
	public static class Access {

		/**
		 * Named grant sets, each the union of the values its sources select for the pulling user.
		 */
		private Map<String, List<GrantSource>> grants = new LinkedHashMap<>();

		public Map<String, List<GrantSource>> getGrants() {
			return this.grants;
		}

		public void setGrants(Map<String, List<GrantSource>> grants) {
			this.grants = grants;
		}

	}

	/**
	 * One source of a grant set: the value-column of the table's rows whose user-column is the user.
	 */
	public static class GrantSource {

		/**
		 * Synced table to select grant values from.
		 */
		private String table;

		/**
		 * Column whose values the user is granted.
		 */
		private String valueColumn;

		/**
		 * Column that must equal the user's name.
		 */
		private String userColumn;

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public String getValueColumn() {
			return this.valueColumn;
		}

		public void setValueColumn(String valueColumn) {
			this.valueColumn = valueColumn;
		}

		public String getUserColumn() {
			return this.userColumn;
		}

		public void setUserColumn(String userColumn) {
			this.userColumn = userColumn;
		}

	}

	/**
	 * Plasma's own tables.
	 */
	public static class Schema {

		/**
		 * When to create and upgrade Plasma's tables: "always" runs Plasma's changelog at start-up with its
		 * own history tables; "never" expects the application to include
		 * classpath:db/changelog/plasma/plasma-changelog.xml in its own migrations.
		 */
		private Initialize initialize = Initialize.ALWAYS;

		public Initialize getInitialize() {
			return this.initialize;
		}

		public void setInitialize(Initialize initialize) {
			this.initialize = initialize;
		}

		/**
		 * Schema initialization modes.
		 */
		public enum Initialize {

			/**
			 * Run Plasma's changelog at start-up.
			 */
			ALWAYS,

			/**
			 * Leave Plasma's tables to the application's migrations.
			 */
			NEVER

		}

	}

	/**
	 * The sequencer that numbers committed change-log entries.
	 */
	/**
	 * Regions: each has its own sequencer, lease and version space (README, "Regions").
	 */
	public static class Region {

		/**
		 * Region this instance runs in: mutations pushed to it are sequenced by this region. 1 to 32
		 * characters of [A-Za-z0-9_-].
		 */
		private String id = RegionIds.DEFAULT;

		/**
		 * Region that sequences writes made outside mutations (raw SQL, jobs). Must be the same on every
		 * instance.
		 */
		private String defaultRegionForRawWrites = RegionIds.DEFAULT;

		/**
		 * How long a region's lease may go unrenewed before an instance of another region sequences the
		 * region's pending entries.
		 */
		private Duration takeoverAfter = Duration.ofSeconds(30);

		public String getId() {
			return this.id;
		}

		public void setId(String id) {
			this.id = RegionIds.require(id, "plasma.region.id");
		}

		public String getDefaultRegionForRawWrites() {
			return this.defaultRegionForRawWrites;
		}

		public void setDefaultRegionForRawWrites(String defaultRegionForRawWrites) {
			this.defaultRegionForRawWrites = RegionIds.require(defaultRegionForRawWrites,
					"plasma.region.default-region-for-raw-writes");
		}

		public Duration getTakeoverAfter() {
			return this.takeoverAfter;
		}

		public void setTakeoverAfter(Duration takeoverAfter) {
			requirePositive("takeover-after", takeoverAfter.toMillis());
			this.takeoverAfter = takeoverAfter;
		}

	}

	public static class Sequencer {

		/**
		 * Whether this instance runs the background sequencer thread. Pushes still flush it on demand; changes
		 * written outside pushes reach pulls only through a running sequencer thread somewhere in the cluster.
		 */
		private boolean enabled = true;

		/**
		 * Pause between sequencer batches when nothing more is pending.
		 */
		private Duration pollInterval = Duration.ofMillis(10);

		/**
		 * Most entries sequenced in one transaction.
		 */
		private int batchSize = 1000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			requirePositive("poll-interval", pollInterval.toMillis());
			this.pollInterval = pollInterval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			requirePositive("batch-size", batchSize);
			this.batchSize = batchSize;
		}

	}

	/**
	 * Change-log compaction: folds each row's entries older than the retention window down to the latest
	 * and drops rows deleted since, on a schedule.
	 */
	public static class Compaction {

		/**
		 * Whether the change log can be compacted: the scheduled job, the compactor bean and the plasma
		 * endpoint's compact operation.
		 */
		private boolean enabled = true;

		/**
		 * Cron expression of the scheduled compaction (six fields, seconds first), or "-" for no schedule.
		 */
		private String cron = "0 */15 * * * *";

		/**
		 * How old an entry must be before a scheduled compaction may fold or drop it.
		 */
		private Duration retention = Duration.ofDays(7);

		/**
		 * Most change-log entries examined in one compaction transaction.
		 */
		private int batchSize = 10000;

		/**
		 * Pause between two compaction batches, leaving the database and the CPU to the application's
		 * writers for a moment. A batch that took longer is followed by a pause as long as it took, so
		 * compaction never takes more than half of the time. 0 runs the batches back to back.
		 */
		private Duration batchPause = Duration.ofMillis(40);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getCron() {
			return this.cron;
		}

		public void setCron(String cron) {
			this.cron = cron;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			requireNotNegative("retention", retention);
			this.retention = retention;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			requirePositive("batch-size", batchSize);
			this.batchSize = batchSize;
		}

		public Duration getBatchPause() {
			return this.batchPause;
		}

		public void setBatchPause(Duration batchPause) {
			requireNotNegative("batch-pause", batchPause);
			this.batchPause = batchPause;
		}

	}

	/**
	 * Client groups: their last-seen time and the scheduled deletion of groups unseen for the retention
	 * period (a later request for a deleted group gets ClientStateNotFound).
	 */
	public static class Clients {

		/**
		 * How long a client group may stay unseen before the cleanup job deletes it with its ledger rows.
		 * Replicache clients live at most 14 days in a browser.
		 */
		private Duration retention = Duration.ofDays(30);

		/**
		 * Cron expression of the client-group cleanup (six fields, seconds first), or "-" for no schedule.
		 */
		private String cleanupCron = "0 7 * * * *";

		/**
		 * Most client groups deleted in one cleanup transaction.
		 */
		private int cleanupBatchSize = 500;

		/**
		 * How old a group's last-seen time may get before a request moves it; a pull of a group seen more
		 * recently writes nothing. Must be well below the retention.
		 */
		private Duration lastSeenInterval = Duration.ofHours(1);

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			requirePositive("retention", retention.toMillis());
			this.retention = retention;
		}

		public String getCleanupCron() {
			return this.cleanupCron;
		}

		public void setCleanupCron(String cleanupCron) {
			this.cleanupCron = cleanupCron;
		}

		public int getCleanupBatchSize() {
			return this.cleanupBatchSize;
		}

		public void setCleanupBatchSize(int cleanupBatchSize) {
			requirePositive("cleanup-batch-size", cleanupBatchSize);
			this.cleanupBatchSize = cleanupBatchSize;
		}

		public Duration getLastSeenInterval() {
			return this.lastSeenInterval;
		}

		public void setLastSeenInterval(Duration lastSeenInterval) {
			requirePositive("last-seen-interval", lastSeenInterval.toMillis());
			this.lastSeenInterval = lastSeenInterval;
		}

	}

	/**
	 * The plasma health indicator.
	 */
	public static class Health {

		/**
		 * How long a committed change-log entry may wait for the sequencer before health is DOWN.
		 */
		private Duration sequencerStuckAfter = Duration.ofSeconds(30);

		public Duration getSequencerStuckAfter() {
			return this.sequencerStuckAfter;
		}

		public void setSequencerStuckAfter(Duration sequencerStuckAfter) {
			requirePositive("sequencer-stuck-after", sequencerStuckAfter.toMillis());
			this.sequencerStuckAfter = sequencerStuckAfter;
		}

	}

	private static void requirePositive(String name, long value) {
		if (value <= 0) {
			throw new IllegalArgumentException(name + " must be positive (at least 1, or 1ms for a duration)");
		}
	}

	private static void requirePath(String name, String path) {
		if (path == null || !path.startsWith("/") || path.contains(" ")) {
			throw new IllegalArgumentException(name + " must be a path starting with '/', such as /plasma");
		}
	}

	private static void requireNotNegative(String name, Duration value) {
		if (value.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative");
		}
	}

	/**
	 * A file column of a table.
	 */
	public static class File {

		/**
		 * Largest file the column accepts.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(10);

		/**
		 * MIME types the column accepts, wildcards like image/* allowed; empty accepts any type.
		 */
		private List<String> mimeTypes = new ArrayList<>();

		/**
		 * Whether a row's file, once set, may not be replaced by another through a mutator.
		 */
		private boolean immutable = true;

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public List<String> getMimeTypes() {
			return this.mimeTypes;
		}

		public void setMimeTypes(List<String> mimeTypes) {
			this.mimeTypes = mimeTypes;
		}

		public boolean isImmutable() {
			return this.immutable;
		}

		public void setImmutable(boolean immutable) {
			this.immutable = immutable;
		}

	}

	/**
	 * Uploaded files (blobs).
	 */
	public static class Blobs {

		/**
		 * Where blob bytes are kept when the application declares no BlobStore bean.
		 */
		private Store store = Store.DATABASE;

		/**
		 * Directory of the filesystem store.
		 */
		private String directory;

		/**
		 * Largest blob accepted, whatever the file columns allow.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(100);

		/**
		 * How long an upload may rest before it is removed with its bytes.
		 */
		private Duration uploadExpiry = Duration.ofHours(24);

		/**
		 * How long a present blob stays unreferenced before its bytes are deleted.
		 */
		private Duration orphanGrace = Duration.ofHours(24);

		/**
		 * Cron expression of the cleanup of expired uploads and orphaned blobs; "-" disables it.
		 */
		private String gcCron = "0 23 * * * *";

		/**
		 * Most blobs handled per cleanup batch.
		 */
		private int gcBatchSize = 500;

		/**
		 * Most rows referencing a blob that a download check reads; beyond it the rest are not looked at
		 * (logged and counted by plasma.blobs.reference.bound).
		 */
		private int maxReferencesChecked = 100;

		private final S3 s3 = new S3();

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		public String getDirectory() {
			return this.directory;
		}

		public void setDirectory(String directory) {
			this.directory = directory;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getUploadExpiry() {
			return this.uploadExpiry;
		}

		public void setUploadExpiry(Duration uploadExpiry) {
			this.uploadExpiry = uploadExpiry;
		}

		public Duration getOrphanGrace() {
			return this.orphanGrace;
		}

		public void setOrphanGrace(Duration orphanGrace) {
			this.orphanGrace = orphanGrace;
		}

		public String getGcCron() {
			return this.gcCron;
		}

		public void setGcCron(String gcCron) {
			this.gcCron = gcCron;
		}

		public int getGcBatchSize() {
			return this.gcBatchSize;
		}

		public void setGcBatchSize(int gcBatchSize) {
			this.gcBatchSize = gcBatchSize;
		}

		public int getMaxReferencesChecked() {
			return this.maxReferencesChecked;
		}

		public void setMaxReferencesChecked(int maxReferencesChecked) {
			this.maxReferencesChecked = maxReferencesChecked;
		}

		public S3 getS3() {
			return this.s3;
		}

		/**
		 * The blob stores Plasma ships.
		 */
		public enum Store {

			/** Plasma's table _plasma_blob_chunks. */
			DATABASE,

			/** A directory, plasma.blobs.directory. */
			FILESYSTEM,

			/** An S3-compatible bucket, plasma.blobs.s3.*; needs software.amazon.awssdk:s3. */
			S3

		}

		/**
		 * The S3 store.
		 */
		public static class S3 {

			/**
			 * Bucket keeping the blobs; it must exist.
			 */
			private String bucket;

			/**
			 * Prepended to every object key, for example "plasma/".
			 */
			private String prefix = "";

			/**
			 * Region of the bucket; the SDK's default region chain when unset.
			 */
			private String region;

			/**
			 * Endpoint of an S3-compatible server (MinIO, Ceph and the like) instead of AWS.
			 */
			private URI endpointOverride;

			/**
			 * Whether to address the bucket in the path rather than the host name, as most S3-compatible servers need.
			 */
			private boolean pathStyleAccess;

			/**
			 * Access key id; the SDK's default credentials chain when unset.
			 */
			private String accessKeyId;

			/**
			 * Secret access key, with access-key-id.
			 */
			private String secretAccessKey;

			/**
			 * Size of the part objects an upload is staged in, at least 5MB; each upload in progress holds one part in memory.
			 */
			private DataSize partSize = DataSize.ofMegabytes(8);

			/**
			 * Whether requests carry checksums only where S3 requires them, for S3-compatible servers that do not accept the SDK's default checksum trailers.
			 */
			private boolean checksumsWhenRequired;

			public String getBucket() {
				return this.bucket;
			}

			public void setBucket(String bucket) {
				this.bucket = bucket;
			}

			public String getPrefix() {
				return this.prefix;
			}

			public void setPrefix(String prefix) {
				this.prefix = prefix;
			}

			public String getRegion() {
				return this.region;
			}

			public void setRegion(String region) {
				this.region = region;
			}

			public URI getEndpointOverride() {
				return this.endpointOverride;
			}

			public void setEndpointOverride(URI endpointOverride) {
				this.endpointOverride = endpointOverride;
			}

			public boolean isPathStyleAccess() {
				return this.pathStyleAccess;
			}

			public void setPathStyleAccess(boolean pathStyleAccess) {
				this.pathStyleAccess = pathStyleAccess;
			}

			public String getAccessKeyId() {
				return this.accessKeyId;
			}

			public void setAccessKeyId(String accessKeyId) {
				this.accessKeyId = accessKeyId;
			}

			public String getSecretAccessKey() {
				return this.secretAccessKey;
			}

			public void setSecretAccessKey(String secretAccessKey) {
				this.secretAccessKey = secretAccessKey;
			}

			public DataSize getPartSize() {
				return this.partSize;
			}

			public void setPartSize(DataSize partSize) {
				this.partSize = partSize;
			}

			public boolean isChecksumsWhenRequired() {
				return this.checksumsWhenRequired;
			}

			public void setChecksumsWhenRequired(boolean checksumsWhenRequired) {
				this.checksumsWhenRequired = checksumsWhenRequired;
			}

		}

	}

	/**
	 * An optional read replica of the primary database (for example a PostgreSQL streaming replica) that
	 * answers pulls once it has caught up to what a pull needs. Pushes, sequencing and compaction always
	 * use the primary.
	 */
	public static class ReadReplica {

		/**
		 * Whether pulls may be answered from the replica when its url is set.
		 */
		private boolean enabled = true;

		/**
		 * JDBC URL of the replica, a database of the primary's kind replicating it.
		 */
		private String url;

		/**
		 * Login user of the replica.
		 */
		private String username;

		/**
		 * Login password of the replica.
		 */
		private String password;

		/**
		 * Fully qualified name of the JDBC driver; by default deduced from the url.
		 */
		private String driverClassName;

		/**
		 * After the replica failed, how long pulls go to the primary without trying it.
		 */
		private Duration retryAfter = Duration.ofSeconds(5);

		/**
		 * HikariCP settings of the replica's own pool, by HikariConfig property name (maximum-pool-size,
		 * connection-timeout in ms, ...). Plasma's defaults: pool name plasma-read-replica, maximum-pool-size
		 * 5, connection-timeout 1000, read-only true, initialization-fail-timeout -1 (start even while the
		 * replica is down).
		 */
		private Map<String, String> hikari = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			if (url != null && !url.startsWith("jdbc:")) {
				throw new IllegalArgumentException("url must be a JDBC URL starting with 'jdbc:'");
			}
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public String getDriverClassName() {
			return this.driverClassName;
		}

		public void setDriverClassName(String driverClassName) {
			this.driverClassName = driverClassName;
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			requirePositive("retry-after", retryAfter.toMillis());
			this.retryAfter = retryAfter;
		}

		public Map<String, String> getHikari() {
			return this.hikari;
		}

		public void setHikari(Map<String, String> hikari) {
			this.hikari = hikari;
		}

	}

	/**
	 * Realtime: pokes over Server-Sent Events and WebSocket, and presence over WebSocket.
	 */
	public static class Poke {

		/**
		 * Whether pokes ({base-path}/poke, {base-path}/ws) and presence are served.
		 */
		private boolean enabled = true;

		/**
		 * Pause between heartbeats: an SSE comment, a WebSocket ping, the refresh of this instance's presence rows.
		 * A WebSocket silent for two heartbeats is closed and its presence ends.
		 */
		private Duration heartbeat = Duration.ofSeconds(25);

		/**
		 * How long one Server-Sent Events response stays open before the server ends it (clients reconnect with
		 * Last-Event-ID).
		 */
		private Duration sseTimeout = Duration.ofMinutes(30);

		/**
		 * Shortest time between two pokes on one connection; pokes in between are folded into one sent when it
		 * has passed.
		 */
		private Duration minInterval = Duration.ofMillis(50);

		/**
		 * Pause between two reads of the change log's head (and of this instance's presence rooms) on databases
		 * without notifications (H2, MariaDB); one query per instance, whatever the number of connections.
		 */
		private Duration pollInterval = Duration.ofMillis(100);

		/**
		 * Most poke connections (SSE and WebSocket together) on this instance; beyond it HTTP 503 with Retry-After.
		 */
		private int maxConnections = 10000;

		/**
		 * Threads writing pokes and heartbeats to this instance's connections; a client that stops reading holds
		 * one of them until its send times out, never the others' pokes.
		 */
		private int sendThreads = 4;

		/**
		 * Longest a poke or heartbeat may take to be written to a connection; a connection whose send takes
		 * longer (a client that stopped reading) is dropped.
		 */
		private Duration sendTimeout = Duration.ofSeconds(10);

		/**
		 * Secret (at least 32 characters) signing WebSocket tokens. Unset: a random secret per start, so a token
		 * works only on the instance that issued it; set the same secret on every instance behind one load balancer.
		 */
		private String tokenSecret;

		/**
		 * How long a WebSocket token from {base-path}/ws-token may be used to open a WebSocket.
		 */
		private Duration tokenLifetime = Duration.ofSeconds(60);

		/**
		 * Largest presence state a client may set, as JSON text.
		 */
		private DataSize maxPresenceState = DataSize.ofKilobytes(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getHeartbeat() {
			return this.heartbeat;
		}

		public void setHeartbeat(Duration heartbeat) {
			requirePositive("poke.heartbeat", heartbeat.toMillis());
			this.heartbeat = heartbeat;
		}

		public Duration getSseTimeout() {
			return this.sseTimeout;
		}

		public void setSseTimeout(Duration sseTimeout) {
			requirePositive("poke.sse-timeout", sseTimeout.toMillis());
			this.sseTimeout = sseTimeout;
		}

		public Duration getMinInterval() {
			return this.minInterval;
		}

		public void setMinInterval(Duration minInterval) {
			requireNotNegative("poke.min-interval", minInterval);
			this.minInterval = minInterval;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			requirePositive("poke.poll-interval", pollInterval.toMillis());
			this.pollInterval = pollInterval;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			requirePositive("poke.max-connections", maxConnections);
			this.maxConnections = maxConnections;
		}

		public int getSendThreads() {
			return this.sendThreads;
		}

		public void setSendThreads(int sendThreads) {
			requirePositive("poke.send-threads", sendThreads);
			this.sendThreads = sendThreads;
		}

		public Duration getSendTimeout() {
			return this.sendTimeout;
		}

		public void setSendTimeout(Duration sendTimeout) {
			requirePositive("poke.send-timeout", sendTimeout.toMillis());
			this.sendTimeout = sendTimeout;
		}

		public String getTokenSecret() {
			return this.tokenSecret;
		}

		public void setTokenSecret(String tokenSecret) {
			if (tokenSecret != null && !tokenSecret.isEmpty() && tokenSecret.length() < 32) {
				throw new IllegalArgumentException("plasma.poke.token-secret must be at least 32 characters long");
			}
			this.tokenSecret = tokenSecret;
		}

		public Duration getTokenLifetime() {
			return this.tokenLifetime;
		}

		public void setTokenLifetime(Duration tokenLifetime) {
			requirePositive("poke.token-lifetime", tokenLifetime.toSeconds());
			this.tokenLifetime = tokenLifetime;
		}

		public DataSize getMaxPresenceState() {
			return this.maxPresenceState;
		}

		public void setMaxPresenceState(DataSize maxPresenceState) {
			requirePositive("poke.max-presence-state", maxPresenceState.toBytes());
			this.maxPresenceState = maxPresenceState;
		}

	}

}
