package dev.plasma.sync;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2SyncTests extends AbstractSyncTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
