package dev.plasma.autoconfigure;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.H2)
class H2BlobEndpointTests extends AbstractBlobEndpointTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.H2;
	}

}
