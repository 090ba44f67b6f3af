package dev.plasma.blob;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

/**
 * The {@link BlobStore} contract for {@link DatabaseBlobStore} on one database.
 */
public abstract class AbstractDatabaseBlobStoreTests extends AbstractBlobStoreTests {

	protected abstract TestDatabase database();

	private HikariDataSource dataSource;

	private BlobStore store;

	@BeforeEach
	void setUp() {
		this.dataSource = database().create(4);
		new PlasmaFixture(this.dataSource);
		this.store = new DatabaseBlobStore(this.dataSource);
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
	}

	@Override
	protected BlobStore store() {
		return this.store;
	}

}
