package dev.plasma.blob;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbBlobUploadsTests extends AbstractBlobUploadsTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
