package dev.plasma.capture;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.MARIADB)
class MariaDbCaptureTests extends AbstractCaptureTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.MARIADB;
	}

}
