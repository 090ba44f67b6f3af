package dev.plasma.blob;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2DatabaseBlobStoreTests extends AbstractDatabaseBlobStoreTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
