package dev.plasma.web;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2BlobHttpTests extends AbstractBlobHttpTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
