package dev.plasma.capture;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2CaptureTests extends AbstractCaptureTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
