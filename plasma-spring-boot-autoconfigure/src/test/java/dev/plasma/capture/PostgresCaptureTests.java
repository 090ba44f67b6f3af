package dev.plasma.capture;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.POSTGRESQL)
class PostgresCaptureTests extends AbstractCaptureTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

}
